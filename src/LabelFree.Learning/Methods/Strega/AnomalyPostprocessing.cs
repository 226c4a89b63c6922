using LabelFree.Core.Errors;
using LabelFree.Data.Imaging;

namespace LabelFree.Learning.Methods.Strega;

public enum ResidualSign
{
    /// <summary>reconstruction - input, negatives to 0 (the reference): finds what is darker than the model expects.</summary>
    Signed,

    /// <summary>|reconstruction - input|: finds darker and brighter anomalies.</summary>
    Absolute,
}

/// <summary>
/// StRegA's post-processing of the residual (reference Pipeline.ipynb): negatives to 0, values above
/// <see cref="ClipAbove"/> to 1, Otsu's threshold over the volume, area opening per axial slice, zero outside the brain.
/// The area is given in mm² (256 pixels at the reference's 1 mm) and converted to pixels at the working spacing.
/// Deviation: Otsu's threshold is taken over the brain voxels only, not the whole volume, so that the background (most
/// of a volume) does not set it.
/// </summary>
public sealed record PostprocessingOptions(double ClipAbove = 0.2, double MinAreaMm2 = 256, ResidualSign Sign = ResidualSign.Signed)
{
    public PostprocessingOptions Validate()
    {
        if (!(ClipAbove > 0)) throw new UserInputException($"postprocessing clip_above: expected a positive number, got {ClipAbove}");
        if (MinAreaMm2 < 0) throw new UserInputException($"postprocessing min_area_mm2: expected zero or more, got {MinAreaMm2}");
        return this;
    }
}

/// <summary>An anomaly score per voxel (for AUROC and AP) and the post-processed binary anomaly mask, on one grid.</summary>
public sealed record AnomalyMaps(float[] Score, bool[] Mask, double OtsuThreshold);

public static class AnomalyPostprocessing
{
    /// <param name="input">Normalised input, x fastest, on a grid of <paramref name="shape"/>.</param>
    /// <param name="reconstruction">The model's reconstruction on the same grid.</param>
    /// <param name="brain">Brain mask on the same grid.</param>
    /// <param name="spacing">In-plane voxel size in mm.</param>
    public static AnomalyMaps Apply(float[] input, float[] reconstruction, bool[] brain, int[] shape, double spacing, PostprocessingOptions options)
    {
        var n = input.Length;
        var score = new float[n];
        for (var i = 0; i < n; i++)
        {
            if (!brain[i]) continue;
            var r = reconstruction[i] - input[i];
            score[i] = options.Sign == ResidualSign.Absolute ? Math.Abs(r) : Math.Max(r, 0);
        }
        var clipped = score.Select(v => v > options.ClipAbove ? 1f : v).ToArray();
        var inside = clipped.Where((_, i) => brain[i]).ToArray();
        var threshold = inside.Length > 0 ? Otsu.Threshold(inside) : double.PositiveInfinity;
        var mask = new bool[n];
        for (var i = 0; i < n; i++) mask[i] = brain[i] && clipped[i] > threshold;

        int w = shape[0], h = shape[1], plane = w * h;
        var minPixels = (int)Math.Round(options.MinAreaMm2 / (spacing * spacing));
        for (var z = 0; z < shape[2]; z++) AreaOpening.Apply(mask.AsSpan(z * plane, plane), h, w, minPixels);
        return new AnomalyMaps(score, mask, threshold);
    }
}
