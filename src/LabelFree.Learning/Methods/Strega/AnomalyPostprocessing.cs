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
/// Deviations: Otsu's threshold is taken over the brain voxels only, not the whole volume, so that the background (most
/// of a volume) does not set it. The mask is then opened in 3-D with a ball of <see cref="OpeningRadiusMm"/> (LabelFree's
/// addition, not in the reference; 0 turns it off): the residual rims along sulci and ventricles that a VAE trained for
/// minutes on a CPU leaves are thinner than the ball and vanish, while anomalies wider than it keep their shape. 4 mm
/// (below the 6 mm smallest radius of the synthetic lesions) raised the default model's held-out Dice from 0.15 to 0.39
/// on deformed Colin27 copies and cost the ITK head a little (0.27 -> 0.22); bench/RESULTS.md has the figures.
/// </summary>
public sealed record PostprocessingOptions(double ClipAbove = 0.2, double MinAreaMm2 = 256, ResidualSign Sign = ResidualSign.Signed,
    double OpeningRadiusMm = 4)
{
    public PostprocessingOptions Validate()
    {
        if (OpeningRadiusMm < 0) throw new UserInputException($"postprocessing opening_radius_mm: expected zero or more, got {OpeningRadiusMm}");
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
    /// <param name="spacing">Voxel size in mm (the working grid is isotropic).</param>
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
        if (options.OpeningRadiusMm > 0) mask = BallOpening.Apply(mask, shape, [spacing, spacing, spacing], options.OpeningRadiusMm);
        return new AnomalyMaps(score, mask, threshold);
    }
}
