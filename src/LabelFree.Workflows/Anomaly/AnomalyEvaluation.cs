using System.Diagnostics;
using System.Globalization;
using LabelFree.Analysis.Metrics;
using LabelFree.Core.Errors;
using LabelFree.Core.IO;
using LabelFree.Core.Progress;
using LabelFree.Core.Randomness;
using LabelFree.Data.Imaging;
using LabelFree.Learning.Methods.Strega;
using LabelFree.Workflows.Imaging;
using LabelFree.Workflows.Runs;

namespace LabelFree.Workflows.Anomaly;

/// <summary>Scans to evaluate: with real lesion masks, or with <paramref name="SyntheticLesions"/> lesioned copies each.</summary>
/// <param name="OpeningRadius">Overrides the model's recorded opening radius (mm), when given.</param>
/// <param name="ClipAbove">Overrides the model's recorded clip value, when given.</param>
public sealed record AnomalyEvalSettings(string Model, IReadOnlyList<string> Scans, IReadOnlyList<string>? LesionMasks, IReadOnlyList<string>? BrainMasks,
    int SyntheticLesions, double? OpeningRadius = null, double? ClipAbove = null);

/// <summary>One evaluated case: a scan (with real or synthetic lesions) and its voxel-wise scores.</summary>
public sealed record AnomalyCase(string Scan, int Variant, double Dice, double Auroc, double AveragePrecision, long LesionVoxels, long DetectedVoxels, double Seconds);

/// <summary>Mean and standard deviation of a metric over cases.</summary>
public sealed record MeanSd(double Mean, double Sd);

public sealed record AnomalyEvalSummary(int Cases, MeanSd Dice, MeanSd Auroc, MeanSd AveragePrecision, double SecondsPerScan, LesionOptions? SyntheticLesions, long Seed,
    PostprocessingOptions? Postprocessing = null);

/// <summary>
/// Scores anomaly maps against lesions, voxel-wise inside the brain on each scan's own grid: Dice of the mask, AUROC and
/// average precision of the score, per case and as mean ± sd; writes metrics.json, cases.tsv and overlay montages.
/// </summary>
public static class AnomalyEvaluation
{
    public static AnomalyEvalSummary Run(AnomalyEvalSettings settings, RunSettings run, IProgressReporter progress)
    {
        var hasMasks = settings.LesionMasks is { Count: > 0 };
        if (hasMasks == settings.SyntheticLesions > 0)
            throw new SettingException("lesion_masks", "give either lesion masks or a number of synthetic lesions per scan, not both or neither");
        if (settings.SyntheticLesions < 0) throw new SettingException("synthetic_lesions", $"expected zero or more, got {settings.SyntheticLesions}");
        var device = run.StartTorch();
        using var model = Strega.Load(settings.Model, device);
        var scans = settings.Scans;
        var lesionMasks = ScanList.Pair(scans, settings.LesionMasks, "lesion_masks");
        var brainMasks = ScanList.Pair(scans, settings.BrainMasks, "brain_mask");
        var lesionOptions = hasMasks ? null : new LesionOptions();
        var postprocessing = StregaPostprocessing.Override(model.Config.Postprocessing, settings.OpeningRadius, settings.ClipAbove);
        Directory.CreateDirectory(run.Out);

        var cases = new List<AnomalyCase>();
        var variants = Math.Max(1, settings.SyntheticLesions);
        using (var bar = progress.Start("eval", scans.Count * variants))
        {
            for (var s = 0; s < scans.Count; s++)
            {
                var scan = NiftiReader.ReadVolume(scans[s]);
                var brain = ScanList.BrainMaskFor(scan, scans[s], brainMasks?[s]);
                for (var v = 0; v < variants; v++)
                {
                    var (input, lesion) = lesionOptions is null
                        ? (scan, BrainMask.Read(lesionMasks![s], scan))
                        : Lesioned(scan, brain, lesionOptions, Rng.For(run.Seed, "lesions", s * 1000L + v));
                    cases.Add(Evaluate(model, scans[s], v, input, brain, lesion, run.Out, v == 0, postprocessing));
                    bar.Report(cases.Count, $"Dice {cases[^1].Dice:F3} AUROC {cases[^1].Auroc:F3}");
                }
            }
        }
        return Write(run.Out, cases, lesionOptions, run.Seed, postprocessing);
    }

    /// <summary>Scores one scan against its lesion mask, over the brain voxels of the scan's own grid; writes its montage when asked.</summary>
    public static AnomalyCase Evaluate(Strega model, string scanPath, int variant, NiftiImage scan, bool[] brain, bool[] lesion, string outFolder, bool montage,
        PostprocessingOptions? postprocessing = null)
    {
        var clock = Stopwatch.StartNew();
        var volume = model.Prepare(scan, brain);
        var (maps, _) = model.Detect(volume, postprocessing);
        var seconds = clock.Elapsed.TotalSeconds;
        var score = volume.ToInputGrid(maps.Score, Interpolation.Linear).Data;
        var detected = volume.ToInputGrid(maps.Mask.Select(m => m ? 1f : 0f).ToArray(), Interpolation.Nearest).Data.Select(v => v > 0.5f).ToArray();

        var inside = Enumerable.Range(0, brain.Length).Where(i => brain[i]).ToArray();
        var scores = inside.Select(i => score[i]).ToArray();
        var labels = inside.Select(i => lesion[i]).ToArray();
        var dice = SegmentationMetrics.Dice(detected, lesion);
        if (montage)
        {
            var name = Path.GetFileName(scanPath).Replace(".nii.gz", "").Replace(".nii", "");
            var reference = Resample.ToGrid(lesion.Select(l => l ? 1f : 0f).ToArray(), scan.Shape, scan.Affine, volume.Shape, volume.Affine, Interpolation.Nearest)
                .Select(v => v > 0.5f).ToArray();
            AnomalyMontage.Save(Path.Combine(outFolder, $"overlay_{name}.png"), volume, maps, reference);
        }
        return new AnomalyCase(scanPath, variant, dice, SegmentationMetrics.Auroc(scores, labels), SegmentationMetrics.AveragePrecision(scores, labels),
            lesion.LongCount(l => l), detected.LongCount(d => d), seconds);
    }

    /// <summary>The summary of <paramref name="cases"/>, written with them to metrics.json and cases.tsv in <paramref name="folder"/>.</summary>
    public static AnomalyEvalSummary Write(string folder, IReadOnlyList<AnomalyCase> cases, LesionOptions? lesions, long seed, PostprocessingOptions postprocessing)
    {
        var summary = new AnomalyEvalSummary(cases.Count, Stats(cases.Select(c => c.Dice)), Stats(cases.Select(c => c.Auroc)),
            Stats(cases.Select(c => c.AveragePrecision)), cases.Average(c => c.Seconds), lesions, seed, postprocessing);
        Json.Write(Path.Combine(folder, "metrics.json"), new { summary, cases });
        var lines = cases.Select(c => string.Create(CultureInfo.InvariantCulture,
            $"{c.Scan}\t{c.Variant}\t{c.Dice:F4}\t{c.Auroc:F4}\t{c.AveragePrecision:F4}\t{c.LesionVoxels}\t{c.DetectedVoxels}\t{c.Seconds:F2}"));
        AtomicFile.WriteAllText(Path.Combine(folder, "cases.tsv"), "scan\tvariant\tdice\tauroc\tap\tlesion_voxels\tdetected_voxels\tseconds\n" + string.Join('\n', lines) + "\n");
        return summary;
    }

    private static (NiftiImage, bool[]) Lesioned(NiftiImage scan, bool[] brain, LesionOptions options, Rng rng)
    {
        var lesioned = SyntheticLesions.Add(scan, brain, options, rng);
        return (lesioned.Image, lesioned.LesionMask);
    }

    private static MeanSd Stats(IEnumerable<double> values)
    {
        var list = values.Where(double.IsFinite).ToList();
        if (list.Count == 0) return new MeanSd(double.NaN, double.NaN);
        var mean = list.Average();
        var sd = list.Count > 1 ? Math.Sqrt(list.Sum(v => (v - mean) * (v - mean)) / (list.Count - 1)) : 0;
        return new MeanSd(mean, sd);
    }
}
