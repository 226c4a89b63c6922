using LabelFree.Data.Imaging;
using LabelFree.Learning.Registration;
using static TorchSharp.torch;

namespace LabelFree.Workflows.Anomaly;

/// <summary>
/// The two simple baselines' shared model of healthy anatomy: the training scans (on the benchmark's working grid, as
/// normalised intensities) affinely registered onto the first and averaged; the mean's tissue classes
/// (<see cref="TissueSegmentation"/>) with each class's intensity mean and standard deviation over the registered
/// training voxels. A test scan is affinely registered to the mean once (<see cref="AffineRegistration"/>, NCC), and the
/// mean and its classes are sampled onto the scan's grid.
/// </summary>
public sealed class HealthyAtlas
{
    private readonly NiftiImage _mean;
    private readonly bool[] _brain;
    private readonly float[] _labels;
    private readonly double[] _classMean;
    private readonly double[] _classSd;
    private readonly Device _device;
    private readonly Dictionary<string, (float[] Mean, float[] Labels)> _warped = [];

    private HealthyAtlas(NiftiImage mean, bool[] brain, float[] labels, double[] classMean, double[] classSd, Device device)
    {
        (_mean, _brain, _labels, _classMean, _classSd, _device) = (mean, brain, labels, classMean, classSd, device);
    }

    public static HealthyAtlas Fit(IReadOnlyList<PreprocessedVolume> training, Device device)
    {
        var first = training[0];
        var template = AsImage(first, first.Intensity);
        var registered = new List<float[]> { first.Intensity };
        foreach (var volume in training.Skip(1))
        {
            var affine = AffineRegistration.Register(template, first.Mask, AsImage(volume, volume.Intensity), volume.Mask, AffineOptions.Default, device);
            registered.Add(WorkingGrid.Sample(AsImage(volume, volume.Intensity), first.Shape, first.Affine, affine.FixedToMoving));
        }
        var n = first.Intensity.Length;
        var mean = new float[n];
        for (var i = 0; i < n; i++) mean[i] = first.Mask[i] ? registered.Average(r => r[i]) : 0;
        var options = new TissueSegmentationOptions();
        var labels = TissueSegmentation.Segment(mean, first.Mask, first.Shape, options).Select(l => (float)l).ToArray();
        double[] classMean = new double[options.Classes + 1], classSd = new double[options.Classes + 1];
        for (var c = 1; c <= options.Classes; c++)
        {
            var values = Enumerable.Range(0, n).Where(i => (int)labels[i] == c).SelectMany(i => registered.Select(r => (double)r[i])).ToList();
            if (values.Count == 0) continue;
            classMean[c] = values.Average();
            classSd[c] = Math.Max(Math.Sqrt(values.Sum(v => (v - classMean[c]) * (v - classMean[c])) / Math.Max(1, values.Count - 1)), 1e-3);
        }
        return new HealthyAtlas(AsImage(first, mean), first.Mask, labels, classMean, classSd, device);
    }

    /// <summary>Baseline 1: the registered training mean minus the scan's intensity (positive where darker).</summary>
    public IAnomalyScorer MeanDifference => new Scorer("mean difference", this, (scan, mean, _, i) => mean[i] - scan.Volume.Intensity[i]);

    /// <summary>Baseline 2: per voxel, how many standard deviations of its tissue class (from the registered mean) the scan is below that class's mean.</summary>
    public IAnomalyScorer TissueZScore => new Scorer("tissue z-score", this, (scan, _, labels, i) =>
    {
        var c = (int)labels[i];
        return c == 0 ? 0 : (float)((_classMean[c] - scan.Volume.Intensity[i]) / _classSd[c]);
    });

    private (float[] Mean, float[] Labels) Warp(BenchmarkScan scan)
    {
        if (_warped.TryGetValue(scan.Name, out var cached)) return cached;
        var volume = scan.Volume;
        var affine = AffineRegistration.Register(AsImage(volume, volume.Intensity), volume.Mask, _mean, _brain, AffineOptions.Default, _device);
        var mean = WorkingGrid.Sample(_mean, volume.Shape, volume.Affine, affine.FixedToMoving);
        var labels = WorkingGrid.Sample(_mean.WithData(_labels), volume.Shape, volume.Affine, affine.FixedToMoving, Interpolation.Nearest);
        return _warped[scan.Name] = (mean, labels);
    }

    private static NiftiImage AsImage(PreprocessedVolume volume, float[] data) =>
        NiftiImage.Create(volume.Shape, data, [volume.Options.Spacing, volume.Options.Spacing, volume.Options.Spacing], volume.Affine);

    private sealed class Scorer(string name, HealthyAtlas atlas, Func<BenchmarkScan, float[], float[], int, float> score) : IAnomalyScorer
    {
        public string Name => name;

        public float[] Map(BenchmarkScan scan)
        {
            var (mean, labels) = atlas.Warp(scan);
            var map = new float[mean.Length];
            for (var i = 0; i < map.Length; i++) if (scan.Volume.Mask[i]) map[i] = score(scan, mean, labels, i);
            return map;
        }
    }
}
