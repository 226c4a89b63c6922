using LabelFree.Core.Errors;
using LabelFree.Core.Randomness;
using LabelFree.Data.Imaging;

namespace LabelFree.Data.Tiles;

/// <summary>Which side of the brain's midline (world x = 0 in RAS/MNI space) a patch must lie on.</summary>
public enum Hemisphere
{
    Both,
    Left,
    Right,
}

/// <summary>
/// How 2-D patches are cut from a volume: <paramref name="Size"/> voxels square in axial planes, centres on a grid of
/// <paramref name="Stride"/> voxels inside the brain (voxels above <paramref name="Threshold"/> times the robust
/// maximum, or inside the label volume's regions when there is one), at most <paramref name="MaxPatches"/> of them
/// (a seeded choice), on one <paramref name="Side"/> of the midline: a patch is on a side only when all of it is
/// (its centre at least half a patch from x = 0), so the two sides share no voxel. With <paramref name="Mirror"/> each
/// patch is flipped left-right (a right-hemisphere patch then shows its anatomy as the left hemisphere does).
/// </summary>
public sealed record PatchSampling(int Size = 32, int Stride = 4, Hemisphere Side = Hemisphere.Both, int? MaxPatches = null, double Threshold = 0.1,
    AtlasGrouping Grouping = AtlasGrouping.Lobe, bool Mirror = false)
{
    public PatchSampling Validate()
    {
        if (Size < 8) throw new SettingException("patch", $"expected at least 8 voxels, got {Size}");
        if (Stride < 1) throw new SettingException("patch_stride", $"expected a positive number, got {Stride}");
        if (MaxPatches is < 1) throw new SettingException("max_patches", $"expected a positive number, got {MaxPatches}");
        if (Threshold is < 0 or >= 1) throw new SettingException("threshold", $"expected a number in [0, 1), got {Threshold}");
        return this;
    }
}

/// <summary>
/// 2-D axial patches from a NIfTI volume, intensities divided by the 99.5th percentile of the brain's voxels and
/// clipped to [0, 1]. With a label volume on the same grid (an atlas), each patch's label is the class of the voxel at
/// its centre and only labelled centres are taken. Each patch records its group (the volume's name or the caller's
/// key) and its centre in world millimetres.
/// </summary>
public static class VolumePatches
{
    public static IReadOnlyList<TileImage> Sample(string volumePath, string? labelPath, AtlasLabels? names, PatchSampling sampling, long seed, string? group = null)
    {
        sampling = sampling.Validate();
        UserInputException.RequireFile(volumePath, "NIfTI volume");
        var image = NiftiReader.Read(volumePath);
        NiftiImage? labels = null;
        if (labelPath is not null)
        {
            UserInputException.RequireFile(labelPath, "label volume");
            labels = NiftiReader.Read(labelPath);
            if (!labels.Shape.Take(3).SequenceEqual(image.Shape.Take(3)))
                throw new UserInputException($"{labelPath}: the label volume is {string.Join("x", labels.Shape.Take(3))}, the image {string.Join("x", image.Shape.Take(3))}; they must share a grid");
            if (names is null) throw new UserInputException($"{labelPath}: a label volume needs its label names");
        }
        return Sample(image, labels, names, sampling, seed, group ?? Path.GetFileName(volumePath), volumePath);
    }

    public static IReadOnlyList<TileImage> Sample(NiftiImage image, NiftiImage? labels, AtlasLabels? names, PatchSampling sampling, long seed, string group, string source)
    {
        int nx = image.X, ny = image.Y, nz = image.Z, half = sampling.Size / 2;
        if (nx < sampling.Size || ny < sampling.Size) throw new UserInputException($"{source}: axial planes of {nx}x{ny} are smaller than a {sampling.Size}-voxel patch");
        var scale = RobustMaximum(image.Data);
        if (!(scale > 0)) throw new UserInputException($"{source}: the volume has no positive intensities");
        var a = image.Affine;
        var centres = new List<(int X, int Y, int Z, string? Label, double[] World)>();
        for (var z = 0; z < nz; z += sampling.Stride)
            for (var y = half; y + sampling.Size - half <= ny; y += sampling.Stride)
                for (var x = half; x + sampling.Size - half <= nx; x += sampling.Stride)
                {
                    string? label = null;
                    if (labels is not null)
                    {
                        label = names!.ClassOf((int)Math.Round(labels[x, y, z]), sampling.Grouping);
                        if (label is null) continue;
                    }
                    else if (image[x, y, z] < sampling.Threshold * scale)
                    {
                        continue;
                    }
                    double[] world = [a[0] * x + a[1] * y + a[2] * z + a[3], a[4] * x + a[5] * y + a[6] * z + a[7], a[8] * x + a[9] * y + a[10] * z + a[11]];
                    var margin = half * Math.Abs(a[0]);
                    if (sampling.Side == Hemisphere.Left && world[0] > -margin) continue;
                    if (sampling.Side == Hemisphere.Right && world[0] < margin) continue;
                    centres.Add((x, y, z, label, world));
                }
        if (centres.Count == 0) throw new UserInputException($"{source}: no patch centres inside the brain{(sampling.Side == Hemisphere.Both ? "" : $" on the {sampling.Side.ToString().ToLowerInvariant()} side")}");
        if (sampling.MaxPatches is { } max && centres.Count > max)
            centres = Rng.For(seed, "patch-choice").Permutation(centres.Count).Take(max).Order().Select(i => centres[i]).ToList();

        var patches = new List<TileImage>(centres.Count);
        foreach (var (cx, cy, cz, label, world) in centres)
        {
            var pixels = new float[sampling.Size * sampling.Size];
            for (var py = 0; py < sampling.Size; py++)
                for (var px = 0; px < sampling.Size; px++)
                    pixels[py * sampling.Size + (sampling.Mirror ? sampling.Size - 1 - px : px)] = Math.Clamp(image[cx - half + px, cy - half + py, cz] / scale, 0f, 1f);
            patches.Add(new TileImage($"{group}:{cx},{cy},{cz}", 1, sampling.Size, sampling.Size, pixels) { Label = label, Group = group, Position = world });
        }
        return patches;
    }

    /// <summary>The 99.5th percentile of the positive voxels.</summary>
    private static float RobustMaximum(float[] data)
    {
        var positive = data.Where(v => v > 0).ToArray();
        if (positive.Length == 0) return 0;
        Array.Sort(positive);
        return positive[(int)Math.Min(positive.Length - 1, Math.Floor(0.995 * positive.Length))];
    }
}
