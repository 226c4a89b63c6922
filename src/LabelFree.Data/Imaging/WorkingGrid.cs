namespace LabelFree.Data.Imaging;

/// <summary>
/// World-aligned (RAS, diagonal affine) grids centred on a brain, where registration works at a coarse spacing, and the
/// intensity normalisation that registration uses.
/// </summary>
public static class WorkingGrid
{
    /// <summary>The affine of a grid of <paramref name="shape"/> voxels of <paramref name="spacing"/> mm centred on the mask's bounding box.</summary>
    public static double[] Around(NiftiImage image, bool[] mask, int[] shape, double spacing)
    {
        var (low, high) = BrainMask.WorldBounds(image, mask);
        var origin = Enumerable.Range(0, 3).Select(a => (low[a] + high[a]) / 2 - spacing * (shape[a] - 1) / 2.0).ToArray();
        return [spacing, 0, 0, origin[0], 0, spacing, 0, origin[1], 0, 0, spacing, origin[2], 0, 0, 0, 1];
    }

    /// <summary>The shape that covers the mask's bounding box plus <paramref name="marginMm"/> on each side at <paramref name="spacing"/>.</summary>
    public static int[] Covering(NiftiImage image, bool[] mask, double spacing, double marginMm)
    {
        var (low, high) = BrainMask.WorldBounds(image, mask);
        return Enumerable.Range(0, 3).Select(a => (int)Math.Ceiling((high[a] - low[a] + 2 * marginMm) / spacing) + 1).ToArray();
    }

    /// <summary>
    /// Brain intensities divided by their 99th percentile and clipped to [0, 1.5]; 0 outside the brain. Makes scans of
    /// different scanners and contrasts comparable for NCC and MSE.
    /// </summary>
    public static NiftiImage Normalise(NiftiImage image, bool[] mask)
    {
        var voxels = image.X * image.Y * image.Z;
        var inside = new List<float>();
        for (var i = 0; i < voxels; i++) if (mask[i]) inside.Add(image.Data[i]);
        inside.Sort();
        var scale = inside.Count == 0 ? 1f : Math.Max(inside[(int)(0.99 * (inside.Count - 1))], 1e-6f);
        var data = new float[voxels];
        for (var i = 0; i < voxels; i++) data[i] = mask[i] ? Math.Clamp(image.Data[i] / scale, 0, 1.5f) : 0;
        return image.WithData(data) with { Shape = image.Shape.Take(3).ToArray() };
    }

    /// <summary>Samples <paramref name="image"/> on a grid; <paramref name="fixedToMoving"/> maps the grid's world points into the image's world first.</summary>
    public static float[] Sample(NiftiImage image, int[] shape, double[] gridAffine, double[]? fixedToMoving = null, Interpolation interpolation = Interpolation.Linear)
    {
        var target = fixedToMoving is null ? gridAffine : Affine.Multiply(fixedToMoving, gridAffine);
        return Resample.ToGrid(image.Data, image.Shape, image.Affine, shape, target, interpolation);
    }
}
