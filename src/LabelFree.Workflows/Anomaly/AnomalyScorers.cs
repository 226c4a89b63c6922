using LabelFree.Data.Imaging;
using LabelFree.Learning.Methods.Strega;

namespace LabelFree.Workflows.Anomaly;

/// <summary>
/// A scan as the benchmark hands it to every method: the scan and its brain mask on their own grid, and the same scan
/// prepared on the benchmark's shared working grid (normalised intensities; <see cref="AnomalyBenchmark.Grid"/>).
/// </summary>
public sealed record BenchmarkScan(string Name, NiftiImage Image, bool[] Brain, PreprocessedVolume Volume);

/// <summary>
/// One way to score scans in the benchmark (a trained method or a baseline): a map on the shared working grid, 0 outside
/// the brain, positive where the scan is darker than expected and negative where brighter; the benchmark scores it
/// one-signed (negatives to 0) and two-signed (absolute value). A map that is never negative (SCAD's feature distance)
/// scores the same both ways.
/// </summary>
public interface IAnomalyScorer
{
    string Name { get; }

    float[] Map(BenchmarkScan scan);
}

/// <summary>StRegA in the benchmark: reconstruction minus input on the model's own (tissue-class) input, brought onto the shared grid.</summary>
public sealed class StregaScorer(Strega model) : IAnomalyScorer
{
    public string Name => "StRegA";

    public float[] Map(BenchmarkScan scan)
    {
        var volume = model.Prepare(scan.Image, scan.Brain);
        var reconstruction = volume.FromSlices(model.Reconstruct(Enumerable.Range(0, volume.SliceCount).Select(volume.Slice).ToList()));
        var residual = new float[reconstruction.Length];
        for (var i = 0; i < residual.Length; i++) residual[i] = volume.Mask[i] ? reconstruction[i] - volume.Image[i] : 0;
        return OnGrid(residual, volume, scan.Volume);
    }

    /// <summary>A map on one working grid resampled onto another (the same array when the grids agree).</summary>
    public static float[] OnGrid(float[] map, PreprocessedVolume from, PreprocessedVolume to)
    {
        if (from.Shape.SequenceEqual(to.Shape) && from.Affine.SequenceEqual(to.Affine)) return map;
        var resampled = Resample.ToGrid(map, from.Shape, from.Affine, to.Shape, to.Affine, Interpolation.Linear);
        for (var i = 0; i < resampled.Length; i++) if (!to.Mask[i]) resampled[i] = 0;
        return resampled;
    }
}
