using System.CommandLine;
using System.Globalization;
using LabelFree.Analysis.Metrics;
using LabelFree.Core.Errors;
using LabelFree.Core.IO;
using LabelFree.Core.Progress;
using LabelFree.Core.Randomness;
using LabelFree.Core.Torch;
using LabelFree.Data.Imaging;
using LabelFree.Learning.Methods.Strega;

namespace LabelFree.Cli.Commands.Anomaly;

public sealed record AnomalyEvalSettings(string Model, IReadOnlyList<string> Data, IReadOnlyList<string>? Masks, IReadOnlyList<string>? BrainMasks,
    int SyntheticLesions, long Seed, string Out, ComputeDevice Device, int? Threads, double? OpeningRadius = null, double? ClipAbove = null);

/// <summary>One evaluated case: a scan (with real or synthetic lesions) and its voxel-wise scores.</summary>
public sealed record AnomalyCase(string Scan, int Variant, double Dice, double Auroc, double AveragePrecision, long LesionVoxels, long DetectedVoxels, double Seconds);

/// <summary>Mean and standard deviation of a metric over cases.</summary>
public sealed record MeanSd(double Mean, double Sd);

public sealed record AnomalyEvalSummary(int Cases, MeanSd Dice, MeanSd Auroc, MeanSd AveragePrecision, double SecondsPerScan, LesionOptions? SyntheticLesions, long Seed,
    PostprocessingOptions? Postprocessing = null);

/// <summary><c>anomaly eval</c>: Dice of the anomaly mask, AUROC and AP of the anomaly score, per scan and mean ± sd.</summary>
public static class AnomalyEvalCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Model folder (RUN/model)", Required = true };
        var data = new Option<string[]>("--data") { Description = "Scans: NIfTI files or folders", Required = true, AllowMultipleArgumentsPerToken = true };
        var masks = new Option<string[]>("--masks") { Description = "Lesion masks, one per scan (a folder pairs by file name)", AllowMultipleArgumentsPerToken = true };
        var brainMasks = new Option<string[]>("--brain-masks") { Description = "Brain masks, one per scan (default: non-zero voxels)", AllowMultipleArgumentsPerToken = true };
        var synthetic = new Option<int>("--synthetic-lesions") { Description = "Instead of --masks: add synthetic lesions to each scan, this many lesioned copies per scan" };
        var seed = CommonOptions.Seed();
        var output = new Option<string>("--out") { Description = "Output folder", Required = true };
        var device = CommonOptions.Device();
        var threads = CommonOptions.Threads();
        var postprocessing = new PostprocessingChoice();
        var command = new Command("eval", "Evaluate anomaly maps against lesion masks (or synthetic lesions): Dice, AUROC, AP")
        {
            model, data, masks, brainMasks, synthetic, seed, output, device, threads, postprocessing.OpeningRadius, postprocessing.ClipAbove,
        };
        command.SetAction(r =>
        {
            var (opening, clip) = postprocessing.Read(r);
            return Run(new AnomalyEvalSettings(r.GetValue(model)!, r.GetValue(data)!, r.GetValue(masks), r.GetValue(brainMasks),
                r.GetValue(synthetic), r.GetValue(seed), r.GetValue(output)!, r.GetValue(device), r.GetValue(threads), opening, clip), Console.Out, new ConsoleProgress());
        });
        return command;
    }

    public static int Run(AnomalyEvalSettings settings, TextWriter output, IProgressReporter progress)
    {
        var hasMasks = settings.Masks is { Count: > 0 };
        if (hasMasks == settings.SyntheticLesions > 0)
            throw new UserInputException("anomaly eval: give either --masks (real lesion masks) or --synthetic-lesions N, not both or neither");
        var device = TorchRuntime.Start(settings.Device, settings.Threads);
        using var model = Strega.Load(settings.Model, device);
        var scans = ScanList.Expand(settings.Data, "--data");
        var lesionMasks = ScanList.Pair(scans, settings.Masks, "--masks");
        var brainMasks = ScanList.Pair(scans, settings.BrainMasks, "--brain-masks");
        var lesionOptions = hasMasks ? null : new LesionOptions();
        var postprocessing = PostprocessingChoice.Apply(model.Config.Postprocessing, settings.OpeningRadius, settings.ClipAbove);
        Directory.CreateDirectory(settings.Out);

        var cases = new List<AnomalyCase>();
        var variants = Math.Max(1, settings.SyntheticLesions);
        using (var bar = progress.Start("eval", scans.Count * variants))
        {
            for (var s = 0; s < scans.Count; s++)
            {
                var scan = NiftiReader.Read(scans[s]);
                var brain = ScanList.BrainMaskFor(scan, scans[s], brainMasks?[s]);
                for (var v = 0; v < variants; v++)
                {
                    var (input, lesion) = lesionOptions is null
                        ? (scan, BrainMask.Read(lesionMasks![s], scan))
                        : Lesioned(scan, brain, lesionOptions, Rng.For(settings.Seed, "lesions", s * 1000L + v));
                    cases.Add(Evaluate(model, scans[s], v, input, brain, lesion, settings.Out, v == 0, postprocessing));
                    bar.Report(cases.Count, $"Dice {cases[^1].Dice:F3} AUROC {cases[^1].Auroc:F3}");
                }
            }
        }

        var summary = Summarise(cases, lesionOptions, settings.Seed) with { Postprocessing = postprocessing };
        Json.Write(Path.Combine(settings.Out, "metrics.json"), new { summary, cases });
        WriteTable(Path.Combine(settings.Out, "cases.tsv"), cases);
        output.WriteLine($"{summary.Cases} cases: Dice {summary.Dice.Mean:F3} ± {summary.Dice.Sd:F3}, AUROC {summary.Auroc.Mean:F3} ± {summary.Auroc.Sd:F3}, " +
                         $"AP {summary.AveragePrecision.Mean:F3} ± {summary.AveragePrecision.Sd:F3}, {summary.SecondsPerScan:F1} s per scan");
        return CommandLine.Ok;
    }

    private static (NiftiImage, bool[]) Lesioned(NiftiImage scan, bool[] brain, LesionOptions options, Rng rng)
    {
        var lesioned = SyntheticLesions.Add(scan, brain, options, rng);
        return (lesioned.Image, lesioned.LesionMask);
    }

    /// <summary>Scores one scan against its lesion mask, over the brain voxels of the scan's own grid.</summary>
    public static AnomalyCase Evaluate(Strega model, string scanPath, int variant, NiftiImage scan, bool[] brain, bool[] lesion, string outFolder, bool montage,
        PostprocessingOptions? postprocessing = null)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
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
            AnomalyDetectCommand.WriteMontage(Path.Combine(outFolder, $"overlay_{name}.png"), volume, maps, reference);
        }
        return new AnomalyCase(scanPath, variant, dice, SegmentationMetrics.Auroc(scores, labels), SegmentationMetrics.AveragePrecision(scores, labels),
            lesion.LongCount(l => l), detected.LongCount(d => d), seconds);
    }

    public static AnomalyEvalSummary Summarise(IReadOnlyList<AnomalyCase> cases, LesionOptions? lesions, long seed) =>
        new(cases.Count, Stats(cases.Select(c => c.Dice)), Stats(cases.Select(c => c.Auroc)), Stats(cases.Select(c => c.AveragePrecision)),
            cases.Average(c => c.Seconds), lesions, seed);

    private static MeanSd Stats(IEnumerable<double> values)
    {
        var list = values.Where(double.IsFinite).ToList();
        if (list.Count == 0) return new MeanSd(double.NaN, double.NaN);
        var mean = list.Average();
        var sd = list.Count > 1 ? Math.Sqrt(list.Sum(v => (v - mean) * (v - mean)) / (list.Count - 1)) : 0;
        return new MeanSd(mean, sd);
    }

    private static void WriteTable(string path, IEnumerable<AnomalyCase> cases)
    {
        var lines = cases.Select(c => string.Create(CultureInfo.InvariantCulture,
            $"{c.Scan}\t{c.Variant}\t{c.Dice:F4}\t{c.Auroc:F4}\t{c.AveragePrecision:F4}\t{c.LesionVoxels}\t{c.DetectedVoxels}\t{c.Seconds:F2}"));
        AtomicFile.WriteAllText(path, "scan\tvariant\tdice\tauroc\tap\tlesion_voxels\tdetected_voxels\tseconds\n" + string.Join('\n', lines) + "\n");
    }
}
