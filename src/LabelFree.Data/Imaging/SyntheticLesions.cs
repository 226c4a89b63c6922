using LabelFree.Core.Errors;
using LabelFree.Core.Randomness;

namespace LabelFree.Data.Imaging;

public enum LesionShape
{
    Sphere,
    Ellipsoid,
    Blob,
}

/// <summary>
/// What a lesion does to the tissue, and its value in a lesion label mask (0 is healthy; 1 is a lesion of unknown kind,
/// as in any binary mask).
/// </summary>
public enum LesionKind : byte
{
    /// <summary>A lesion of unknown kind (a binary mask's 1).</summary>
    Lesion = 1,

    /// <summary>Darker than the tissue it replaces (most lesions on T1: infarcts, cysts, many tumours).</summary>
    Darker = 2,

    /// <summary>Brighter than the tissue (blood, enhancing tumour, fat on T1).</summary>
    Brighter = 3,

    /// <summary>The tissue's mean intensity kept, with strong voxel noise added (heterogeneous, textured lesions).</summary>
    Textured = 4,
}

/// <summary>
/// Settings of the synthetic lesion generator. The defaults follow the anomaly-detection literature's practice on
/// healthy brains (MOOD-style local perturbations): 1 to 3 lesions of 6 to 15 mm radius, spheres, rotated ellipsoids
/// or blobs (three overlapping spheres), with a smooth border, darker than the tissue they replace by default (as most
/// lesions are on T1) or brighter for a given fraction. A <paramref name="TexturedFraction"/> of the lesions keep the
/// tissue's mean and get voxel noise of <paramref name="TexturedNoise"/> times the brain's mean intensity instead; of the
/// others, <paramref name="BrighterFraction"/> are brighter. <see cref="Mixed"/> mixes all kinds, contrasts and sizes.
/// </summary>
public sealed record LesionOptions(
    int MinLesions = 1,
    int MaxLesions = 3,
    double MinRadiusMm = 6,
    double MaxRadiusMm = 15,
    double MinContrast = 0.35,
    double MaxContrast = 0.65,
    double BrighterFraction = 0,
    double BorderMm = 1.5,
    double TextureNoise = 0.05,
    double TexturedFraction = 0,
    double TexturedNoise = 0.3)
{
    /// <summary>
    /// Test lesions of every kind (the benchmark's): 2 to 4 per scan, 4 to 15 mm radius, contrast 0.2 to 0.6; a quarter
    /// textured, and of the rest 40% brighter, 60% darker.
    /// </summary>
    public static LesionOptions Mixed => new(MinLesions: 2, MaxLesions: 4, MinRadiusMm: 4, MaxRadiusMm: 15, MinContrast: 0.2, MaxContrast: 0.6,
        BrighterFraction: 0.4, TexturedFraction: 0.25);

    public LesionOptions Validate()
    {
        if (MinLesions < 1 || MaxLesions < MinLesions) throw new UserInputException($"lesion counts: expected 1 <= min <= max, got {MinLesions} and {MaxLesions}");
        if (!(MinRadiusMm > 0) || MaxRadiusMm < MinRadiusMm) throw new UserInputException($"lesion radii: expected 0 < min <= max, got {MinRadiusMm} and {MaxRadiusMm}");
        if (MinContrast is <= 0 or >= 1 || MaxContrast < MinContrast || MaxContrast >= 1)
            throw new UserInputException($"lesion contrast: expected 0 < min <= max < 1, got {MinContrast} and {MaxContrast}");
        if (BrighterFraction is < 0 or > 1) throw new UserInputException($"lesion brighter_fraction: expected a number in [0, 1], got {BrighterFraction}");
        if (TexturedFraction is < 0 or > 1) throw new UserInputException($"lesion textured_fraction: expected a number in [0, 1], got {TexturedFraction}");
        if (!(TexturedNoise >= 0)) throw new UserInputException($"lesion textured_noise: expected zero or more, got {TexturedNoise}");
        return this;
    }
}

/// <summary>One generated lesion: centre in world mm, radius, shape, the intensity factor applied inside it, and its kind.</summary>
public sealed record LesionRecord(double X, double Y, double Z, double RadiusMm, LesionShape Shape, double IntensityFactor, LesionKind Kind = LesionKind.Darker);

/// <summary>
/// A lesioned copy of a volume, its voxel-wise lesion mask (inside the brain only) and the same mask labelled by
/// <see cref="LesionKind"/> (0 healthy; where lesions overlap, the later one's kind).
/// </summary>
public sealed record LesionedVolume(NiftiImage Image, bool[] LesionMask, IReadOnlyList<LesionRecord> Lesions, byte[] KindLabels);

public static class SyntheticLesions
{
    /// <summary>Adds lesions to <paramref name="image"/> inside <paramref name="brain"/>, drawn from <paramref name="rng"/>.</summary>
    public static LesionedVolume Add(NiftiImage image, bool[] brain, LesionOptions options, Rng rng)
    {
        options.Validate();
        var data = (float[])image.Data.Clone();
        var lesionMask = new bool[brain.Length];
        var kinds = new byte[brain.Length];
        var inside = Enumerable.Range(0, brain.Length).Where(i => brain[i]).ToArray();
        if (inside.Length == 0) throw new UserInputException("cannot place lesions: the brain mask is empty");
        var brainMean = inside.Average(i => (double)image.Data[i]);
        var spacing = Affine.Spacing(image.Affine);
        var count = rng.NextInt(options.MinLesions, options.MaxLesions + 1);
        var lesions = new List<LesionRecord>();
        for (var n = 0; n < count; n++)
        {
            var centreVoxel = inside[rng.NextInt(inside.Length)];
            int cx = centreVoxel % image.X, cy = centreVoxel / image.X % image.Y, cz = centreVoxel / (image.X * image.Y);
            var (wx, wy, wz) = Affine.Apply(image.Affine, cx, cy, cz);
            var radius = rng.Uniform(options.MinRadiusMm, options.MaxRadiusMm);
            var shape = (LesionShape)rng.NextInt(3);
            // The textured draw only happens when asked, so that the default lesions of a seed are what they always were.
            var textured = options.TexturedFraction > 0 && rng.NextDouble() < options.TexturedFraction;
            var brighter = rng.NextDouble() < options.BrighterFraction;
            var contrast = rng.Uniform(options.MinContrast, options.MaxContrast);
            var kind = textured ? LesionKind.Textured : brighter ? LesionKind.Brighter : LesionKind.Darker;
            var factor = textured ? 1 : brighter ? 1 + contrast : 1 - contrast;
            var noise = (textured ? options.TexturedNoise : options.TextureNoise) * brainMean;
            var distance = ShapeDistance(shape, radius, rng);
            var noiseRng = new Rng(rng.NextUInt64());

            // Visit the voxels of the lesion's bounding box (3 radii covers every shape and its border).
            var reach = 1.6 * radius + 3 * options.BorderMm;
            int[] lo = new int[3], hi = new int[3];
            for (var a = 0; a < 3; a++)
            {
                var c = a == 0 ? cx : a == 1 ? cy : cz;
                var size = a == 0 ? image.X : a == 1 ? image.Y : image.Z;
                var half = (int)Math.Ceiling(reach / spacing[a]);
                lo[a] = Math.Max(0, c - half);
                hi[a] = Math.Min(size - 1, c + half);
            }
            for (var z = lo[2]; z <= hi[2]; z++)
                for (var y = lo[1]; y <= hi[1]; y++)
                    for (var x = lo[0]; x <= hi[0]; x++)
                    {
                        var index = (z * image.Y + y) * image.X + x;
                        if (!brain[index]) continue;
                        var (px, py, pz) = Affine.Apply(image.Affine, x, y, z);
                        var d = distance(px - wx, py - wy, pz - wz);  // < 0 inside
                        var weight = 1 / (1 + Math.Exp(d / options.BorderMm * 2.2));
                        if (weight < 1e-3) continue;
                        var target = data[index] * factor + noise * noiseRng.NextGaussian();
                        data[index] = (float)(data[index] * (1 - weight) + target * weight);
                        if (weight < 0.5) continue;
                        lesionMask[index] = true;
                        kinds[index] = (byte)kind;
                    }
            lesions.Add(new LesionRecord(wx, wy, wz, radius, shape, factor, kind));
        }
        return new LesionedVolume(image.WithData(data, image.Datatype), lesionMask, lesions, kinds);
    }

    /// <summary>A signed distance-like function in mm (negative inside) for the lesion's shape around its centre.</summary>
    private static Func<double, double, double, double> ShapeDistance(LesionShape shape, double radius, Rng rng)
    {
        switch (shape)
        {
            case LesionShape.Sphere:
                return (x, y, z) => Math.Sqrt(x * x + y * y + z * z) - radius;
            case LesionShape.Ellipsoid:
            {
                double a = radius * rng.Uniform(0.6, 1.4), b = radius * rng.Uniform(0.6, 1.4), c = radius * rng.Uniform(0.6, 1.4);
                var rotation = RandomRotation(rng);
                return (x, y, z) =>
                {
                    var (u, v, w) = (rotation[0] * x + rotation[1] * y + rotation[2] * z, rotation[3] * x + rotation[4] * y + rotation[5] * z,
                        rotation[6] * x + rotation[7] * y + rotation[8] * z);
                    var k = Math.Sqrt(u * u / (a * a) + v * v / (b * b) + w * w / (c * c));
                    return (k - 1) * Math.Min(a, Math.Min(b, c));
                };
            }
            default:
            {
                var parts = Enumerable.Range(0, 3).Select(_ =>
                    (X: rng.Uniform(-0.6, 0.6) * radius, Y: rng.Uniform(-0.6, 0.6) * radius, Z: rng.Uniform(-0.6, 0.6) * radius, R: radius * rng.Uniform(0.5, 0.8))).ToArray();
                return (x, y, z) => parts.Min(p => Math.Sqrt((x - p.X) * (x - p.X) + (y - p.Y) * (y - p.Y) + (z - p.Z) * (z - p.Z)) - p.R);
            }
        }
    }

    private static double[] RandomRotation(Rng rng)
    {
        // A uniform random unit quaternion (Shoemake), as a row-major 3x3 rotation.
        double u1 = rng.NextDouble(), u2 = rng.NextDouble() * 2 * Math.PI, u3 = rng.NextDouble() * 2 * Math.PI;
        double a = Math.Sqrt(1 - u1) * Math.Sin(u2), b = Math.Sqrt(1 - u1) * Math.Cos(u2), c = Math.Sqrt(u1) * Math.Sin(u3), d = Math.Sqrt(u1) * Math.Cos(u3);
        return
        [
            1 - 2 * (c * c + d * d), 2 * (b * c - a * d), 2 * (b * d + a * c),
            2 * (b * c + a * d), 1 - 2 * (b * b + d * d), 2 * (c * d - a * b),
            2 * (b * d - a * c), 2 * (c * d + a * b), 1 - 2 * (b * b + c * c),
        ];
    }
}
