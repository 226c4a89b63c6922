using LabelFree.Core.Errors;

namespace LabelFree.Data.Imaging;

/// <summary>Brain masks: read from a file on the image's grid, or computed from a skull-stripped image.</summary>
public static class BrainMask
{
    /// <summary>The setting that names brain masks, for errors that ask for one.</summary>
    public const string BrainMaskSetting = "brain_mask";

    /// <summary>The mask file's non-zero voxels; it must share the image's grid.</summary>
    public static bool[] Read(string path, NiftiImage image)
    {
        var mask = NiftiReader.ReadVolume(path);
        if (!mask.Shape.Take(3).SequenceEqual(image.Shape.Take(3)))
            throw new UserInputException($"{path}: mask is {string.Join("x", mask.Shape.Take(3))} voxels, the image is {string.Join("x", image.Shape.Take(3))}");
        var inside = mask.Data.Take(image.X * image.Y * image.Z).Select(v => v > 0).ToArray();
        if (!inside.Contains(true)) throw new UserInputException($"{path}: the brain mask is empty (no voxel above 0)");
        return inside;
    }

    /// <summary>
    /// For a skull-stripped image (background exactly 0, as brain extraction tools write it): the non-zero voxels.
    /// Refuses an image that is not skull-stripped (under 20% of voxels are 0): those need a brain mask (setting <c>brain_mask</c>).
    /// </summary>
    public static bool[] FromSkullStripped(NiftiImage image, string path)
    {
        var voxels = image.X * image.Y * image.Z;
        var mask = new bool[voxels];
        var zeros = 0;
        for (var i = 0; i < voxels; i++)
        {
            mask[i] = image.Data[i] > 0;
            if (image.Data[i] == 0) zeros++;
        }
        if (zeros < 0.2 * voxels)
            throw new SettingException(BrainMaskSetting, $"{path} does not look skull-stripped (only {100.0 * zeros / voxels:F0}% of voxels are 0); give its brain mask");
        if (!mask.Contains(true)) throw new UserInputException($"{path}: no voxel is above 0, so there is no brain to mask");
        return mask;
    }

    /// <summary>The world-space (mm) bounding box of the mask's voxels; an empty mask is a user error.</summary>
    public static (double[] Low, double[] High) WorldBounds(NiftiImage image, bool[] mask)
    {
        double[] low = [double.MaxValue, double.MaxValue, double.MaxValue], high = [double.MinValue, double.MinValue, double.MinValue];
        for (var i = 0; i < mask.Length; i++)
        {
            if (!mask[i]) continue;
            var (px, py, pz) = Affine.Apply(image.Affine, i % image.X, i / image.X % image.Y, i / (image.X * image.Y));
            low[0] = Math.Min(low[0], px); low[1] = Math.Min(low[1], py); low[2] = Math.Min(low[2], pz);
            high[0] = Math.Max(high[0], px); high[1] = Math.Max(high[1], py); high[2] = Math.Max(high[2], pz);
        }
        if (low[0] > high[0]) throw new UserInputException("the brain mask is empty");
        return (low, high);
    }
}
