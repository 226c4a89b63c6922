using System.Diagnostics;
using System.Globalization;
using LabelFree.Core.Errors;
using LabelFree.Core.IO;
using LabelFree.Core.Progress;
using LabelFree.Core.Randomness;
using LabelFree.Data.Imaging;
using LabelFree.Learning.Methods.Scad;
using LabelFree.Learning.Methods.Strega;
using LabelFree.Reports.Figures;
using LabelFree.Workflows.Imaging;
using LabelFree.Workflows.Runs;

namespace LabelFree.Workflows.Anomaly;

/// <summary>The trained anomaly-detection methods LabelFree has.</summary>
public enum AnomalyMethod
{
    Strega,
    Scad,
}

/// <summary>
/// What the benchmark compares and on what. <paramref name="Test"/> items (files or folders) are test sets, one each;
/// <paramref name="LesionMasks"/> and <paramref name="BrainMasks"/> give one folder (pairing by file name) or file per
/// test item, or one file per test scan. A lesion mask's value names the lesion's kind (<see cref="LesionKind"/>: 1 any,
/// 2 darker, 3 brighter, 4 textured, as <c>anomaly synthesize --mixed-lesions</c> writes them).
/// </summary>
/// <param name="Steps">Training steps of every method (the same budget for each).</param>
/// <param name="FalsePositiveRate">Each map's threshold flags this fraction of the healthy validation brains' voxels.</param>
/// <param name="ValidationCopies">Healthy validation brains: this many seeded deformed copies of each training scan (never trained on).</param>
/// <param name="MinVolumes">Training volumes for the trained methods: the training scans and deformed copies up to this many.</param>
/// <param name="Signs">How maps are scored: one-signed (<see cref="ResidualSign.Signed"/>, negatives to 0), two-signed (absolute), or both.</param>
public sealed record AnomalyBenchmarkSettings(IReadOnlyList<string> Train, IReadOnlyList<string>? TrainBrainMasks, IReadOnlyList<string> Test,
    IReadOnlyList<string> LesionMasks, IReadOnlyList<string>? BrainMasks, IReadOnlyList<AnomalyMethod> Methods, long Steps = 300, double FalsePositiveRate = 0.01,
    int ValidationCopies = 2, int MinVolumes = 8, IReadOnlyList<ResidualSign>? Signs = null)
{
    public IReadOnlyList<ResidualSign> SignsOrBoth => Signs is { Count: > 0 } ? Signs : [ResidualSign.Signed, ResidualSign.Absolute];

    public AnomalyBenchmarkSettings Validate()
    {
        if (Steps < 1) throw new SettingException("max_steps", $"expected a positive number, got {Steps}");
        if (!(FalsePositiveRate is > 0 and < 1)) throw new SettingException("false_positive_rate", $"expected a number in (0, 1), got {FalsePositiveRate}");
        if (ValidationCopies < 1) throw new SettingException("validation_copies", $"expected a positive number, got {ValidationCopies}");
        if (MinVolumes < 1) throw new SettingException("min_volumes", $"expected a positive number, got {MinVolumes}");
        if (LesionMasks.Count == 0) throw new SettingException("lesion_masks", "give the test scans' lesion masks");
        return this;
    }
}

/// <summary>A method's mean scores on one test set with one signing (NaN where no lesion of a kind occurred).</summary>
public sealed record BenchmarkRow(string TestSet, string Method, string Sign, int Cases, double Dice, double Auroc, double AveragePrecision, double DetectionRate,
    IReadOnlyDictionary<string, KindScores> Kinds, double Threshold, double TrainSeconds, double SecondsPerScan);

/// <summary>The rows and cases of a benchmark, and each scorer's map of the first test scan with its threshold (for the figure).</summary>
public sealed record AnomalyBenchmarkResult(IReadOnlyList<BenchmarkRow> Rows, IReadOnlyList<BenchmarkCase> Cases, IReadOnlyList<(string Method, float[] Map, double Threshold)> FirstMaps);

/// <summary>A test scan on the shared grid, its test set, and its lesion kinds per working-grid voxel (0 healthy).</summary>
public sealed record BenchmarkTest(string Set, BenchmarkScan Scan, byte[] Kinds);

/// <summary>
/// The anomaly-detection benchmark (after Bercea et al.'s protocol): every trained method and two simple baselines
/// (<see cref="HealthyAtlas"/>) learn from the same healthy scans, under the same step budget; each map's threshold is
/// fixed on healthy validation brains at a false-positive rate; then every map of every test scan is scored on the
/// shared working grid (Dice at that threshold, AUROC, AP, per-lesion detection rate; per lesion kind), one- and
/// two-signed. Writes RUN/metrics.json, table.tsv, table.md, cases.tsv, figures/maps.png and each method's run folder.
/// </summary>
public static class AnomalyBenchmark
{
    /// <summary>The shared working grid: normalised intensities at 2 mm, 112x96 axial slices (StRegA's default grid).</summary>
    public static readonly PreprocessingOptions Grid = new();

    public static AnomalyBenchmarkResult Run(AnomalyBenchmarkSettings settings, RunSettings run, IProgressReporter progress)
    {
        settings = settings.Validate();
        var trainMasks = ScanList.Pair(settings.Train, settings.TrainBrainMasks, "train_brain_masks");
        var training = settings.Train.Select((path, s) => ReadScan(path, trainMasks?[s])).ToList();
        var tests = ReadTestSets(settings, progress);
        var device = run.StartTorch();
        RunFolder.Start(run.Out, "anomaly benchmark", run.Seed, run.DeviceName, settings);

        progress.Info($"benchmark: {training.Count} training scan(s), {tests.Count} test scans in {tests.Select(t => t.Set).Distinct().Count()} test set(s)");
        var validation = ValidationBrains(training, settings.ValidationCopies, run.Seed);
        var atlas = HealthyAtlas.Fit(training.Select(t => t.Volume).ToList(), device);
        var models = new List<IDisposable>();
        try
        {
            var scorers = new List<(IAnomalyScorer, double)> { (atlas.MeanDifference, 0), (atlas.TissueZScore, 0) };
            foreach (var method in settings.Methods)
            {
                var (scorer, seconds, model) = TrainMethod(method, settings, trainMasks, run, progress);
                models.Add(model);
                scorers.Add((scorer, seconds));
            }
            var result = Compare(scorers, validation, tests, settings.SignsOrBoth, settings.FalsePositiveRate, progress);
            Write(run.Out, settings.FalsePositiveRate, result, tests[0]);
            return result;
        }
        finally
        {
            foreach (var model in models) model.Dispose();
        }
    }

    /// <summary>Healthy validation brains: <paramref name="copies"/> seeded deformed copies of each training scan, from a stream no training uses.</summary>
    public static List<BenchmarkScan> ValidationBrains(IReadOnlyList<BenchmarkScan> training, int copies, long seed)
    {
        var validation = new List<BenchmarkScan>();
        for (var s = 0; s < training.Count; s++)
            for (var c = 0; c < copies; c++)
            {
                var (image, brain) = RandomDeformation.Apply(training[s].Image, training[s].Brain, StregaTraining.Deformation, Rng.For(seed, "benchmark-validation", s * 1000L + c));
                validation.Add(Prepare($"validation{s}_{c}", image, brain));
            }
        return validation;
    }

    /// <summary>
    /// Thresholds each scorer's maps on the healthy <paramref name="validation"/> brains at <paramref name="falsePositiveRate"/>,
    /// then scores every test scan with every signing; the rows summarise each test set.
    /// </summary>
    public static AnomalyBenchmarkResult Compare(IReadOnlyList<(IAnomalyScorer Scorer, double TrainSeconds)> scorers, IReadOnlyList<BenchmarkScan> validation,
        IReadOnlyList<BenchmarkTest> tests, IReadOnlyList<ResidualSign> signs, double falsePositiveRate, IProgressReporter progress)
    {
        var rows = new List<BenchmarkRow>();
        var cases = new List<BenchmarkCase>();
        var shown = new List<(string, float[], double)>();
        foreach (var (scorer, trainSeconds) in scorers)
        {
            progress.Info($"benchmark: scoring {scorer.Name}");
            var healthy = validation.Select(v => (Map: scorer.Map(v), v.Volume.Mask)).ToList();
            var clock = Stopwatch.StartNew();
            var maps = tests.Select(t => scorer.Map(t.Scan)).ToList();
            var secondsPerScan = clock.Elapsed.TotalSeconds / tests.Count;
            foreach (var sign in signs)
            {
                var threshold = BenchmarkScoring.ThresholdAt(healthy.Select(h => (BenchmarkScoring.Apply(h.Map, sign), h.Mask)), falsePositiveRate);
                var signed = maps.Select(m => BenchmarkScoring.Apply(m, sign)).ToList();
                var scored = tests.Select((t, i) => BenchmarkScoring.Score(t.Set, t.Scan.Name, scorer.Name, sign, signed[i], t.Scan.Volume.Mask, t.Kinds,
                    t.Scan.Volume.Shape, threshold)).ToList();
                cases.AddRange(scored);
                rows.AddRange(scored.GroupBy(c => c.TestSet).Select(g => Summarise(g.Key, scorer.Name, sign, g.ToList(), threshold, trainSeconds, secondsPerScan)));
                if (sign == signs[^1]) shown.Add((scorer.Name, signed[0], threshold));
                var mean = Summarise("all", scorer.Name, sign, scored, threshold, trainSeconds, secondsPerScan);
                progress.Info($"  {scorer.Name}, {BenchmarkScoring.Name(sign)}-signed: Dice {mean.Dice:F3} AUROC {mean.Auroc:F3} AP {mean.AveragePrecision:F3} over all test scans");
            }
        }
        return new AnomalyBenchmarkResult(rows, cases, shown);
    }

    /// <summary>A test scan with its lesion labels (<paramref name="labels"/>, on the scan's grid) prepared on the shared grid.</summary>
    public static BenchmarkTest Test(string set, string name, NiftiImage image, bool[] brain, float[] labels, string labelsFile)
    {
        var scan = Prepare($"{set}/{name}", image, brain);
        var kinds = Resample.ToGrid(labels[..(image.X * image.Y * image.Z)], image.Shape, image.Affine, scan.Volume.Shape, scan.Volume.Affine, Interpolation.Nearest)
            .Select(v => (byte)Math.Clamp(Math.Round(v), 0, 255)).ToArray();
        if (!kinds.Where((_, i) => scan.Volume.Mask[i]).Any(k => k > 0)) throw new UserInputException($"{labelsFile}: no lesion voxel inside the brain");
        return new BenchmarkTest(set, scan, kinds);
    }

    public static BenchmarkScan Prepare(string name, NiftiImage image, bool[] brain) => new(name, image, brain, VolumePreprocessing.Run(image, brain, Grid));

    private static (IAnomalyScorer, double, IDisposable) TrainMethod(AnomalyMethod method, AnomalyBenchmarkSettings settings, IReadOnlyList<string>? trainMasks, RunSettings run,
        IProgressReporter progress)
    {
        var clock = Stopwatch.StartNew();
        var folder = Path.Combine(run.Out, method.ToString().ToLowerInvariant());
        switch (method)
        {
            case AnomalyMethod.Strega:
            {
                var trained = StregaTraining.Run(new StregaTrainSettings(settings.Train, trainMasks, StregaConfig.AtSpacing(Grid.Spacing),
                    Strega.DefaultTraining(run.Seed) with { MaxSteps = settings.Steps }, settings.MinVolumes), run.In(folder), false, progress, "anomaly benchmark");
                return (new StregaScorer(trained.Model), clock.Elapsed.TotalSeconds, trained.Model);
            }
            case AnomalyMethod.Scad:
            {
                var trained = ScadTraining.Run(new ScadTrainSettings(settings.Train, trainMasks, new ScadConfig(), Scad.DefaultTraining(run.Seed, settings.Steps),
                    Math.Max(1, settings.Steps / 2), settings.MinVolumes), run.In(folder), false, progress, "anomaly benchmark");
                return (new ScadScorer(trained.Model), clock.Elapsed.TotalSeconds, trained.Model);
            }
            default:
                throw new SettingException("methods", $"{method} cannot be benchmarked yet");
        }
    }

    private static BenchmarkScan ReadScan(string path, string? brainMask)
    {
        var image = NiftiReader.ReadVolume(path);
        return Prepare(Path.GetFileName(path), image, ScanList.BrainMaskFor(image, path, brainMask));
    }

    /// <summary>Every test scan with its brain mask and lesion kinds (resampled onto the working grid), read and checked before anything is written.</summary>
    private static List<BenchmarkTest> ReadTestSets(AnomalyBenchmarkSettings settings, IProgressReporter progress)
    {
        var sets = settings.Test.Select(item => (Name: Path.GetFileName(item.TrimEnd('/')).Replace(".nii.gz", "").Replace(".nii", ""), Scans: ScanList.Expand([item], "test"))).ToList();
        var all = sets.SelectMany(s => s.Scans).ToList();
        List<string>? PairMasks(IReadOnlyList<string>? masks, string setting) =>
            masks is null || masks.Count == 0 ? null
            : masks.Count == sets.Count && masks.Count != all.Count ? sets.SelectMany((s, i) => ScanList.Pair(s.Scans, [masks[i]], setting)!).ToList()
            : ScanList.Pair(all, masks, setting);
        var lesionMasks = PairMasks(settings.LesionMasks, "lesion_masks")!;
        var brainMasks = PairMasks(settings.BrainMasks, BrainMask.BrainMaskSetting);
        var result = new List<BenchmarkTest>();
        var index = 0;
        foreach (var (name, scans) in sets)
            foreach (var path in scans)
            {
                var image = NiftiReader.ReadVolume(path);
                var labels = NiftiReader.ReadVolume(lesionMasks[index]);
                if (!labels.Shape.Take(3).SequenceEqual(image.Shape.Take(3)))
                    throw new UserInputException($"{lesionMasks[index]}: lesion mask is {string.Join("x", labels.Shape.Take(3))} voxels, the scan is {string.Join("x", image.Shape.Take(3))}");
                result.Add(Test(name, Path.GetFileName(path), image, ScanList.BrainMaskFor(image, path, brainMasks?[index]), labels.Data, lesionMasks[index]));
                index++;
            }
        progress.Info($"benchmark: read {result.Count} test scans");
        return result;
    }

    private static BenchmarkRow Summarise(string set, string method, ResidualSign sign, IReadOnlyList<BenchmarkCase> cases, double threshold, double trainSeconds, double secondsPerScan)
    {
        static double Mean(IEnumerable<double> values)
        {
            var finite = values.Where(double.IsFinite).ToList();
            return finite.Count == 0 ? double.NaN : finite.Average();
        }
        var kinds = cases.SelectMany(c => c.Kinds).GroupBy(k => k.Kind).OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => new KindScores(g.Key, g.Sum(k => k.Lesions),
                g.Sum(k => k.Lesions) == 0 ? double.NaN : g.Sum(k => k.DetectionRate * k.Lesions) / g.Sum(k => k.Lesions),
                Mean(g.Select(k => k.Auroc)), Mean(g.Select(k => k.AveragePrecision))));
        return new BenchmarkRow(set, method, BenchmarkScoring.Name(sign), cases.Count, Mean(cases.Select(c => c.Dice)), Mean(cases.Select(c => c.Auroc)),
            Mean(cases.Select(c => c.AveragePrecision)), Mean(cases.Select(c => c.DetectionRate)), kinds, threshold, trainSeconds, secondsPerScan);
    }

    /// <summary>Writes metrics.json, table.tsv, table.md, cases.tsv and figures/maps.png (maps of <paramref name="first"/>, the first test scan).</summary>
    public static void Write(string folder, double falsePositiveRate, AnomalyBenchmarkResult result, BenchmarkTest first)
    {
        var (rows, cases) = (result.Rows, result.Cases);
        Json.Write(Path.Combine(folder, "metrics.json"), new { falsePositiveRate, BenchmarkScoring.DetectedFraction, rows, cases });
        var kinds = rows.SelectMany(r => r.Kinds.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
        string F(double v) => double.IsNaN(v) ? "" : v.ToString("F3", CultureInfo.InvariantCulture);
        var header = new List<string> { "test_set", "method", "sign", "cases", "dice", "auroc", "ap", "detection_rate" };
        header.AddRange(kinds.SelectMany(k => new[] { $"{k}_detection", $"{k}_ap" }));
        header.AddRange(["threshold", "train_seconds", "seconds_per_scan"]);
        var lines = rows.Select(r =>
        {
            var cells = new List<string> { r.TestSet, r.Method, r.Sign, r.Cases.ToString(CultureInfo.InvariantCulture), F(r.Dice), F(r.Auroc), F(r.AveragePrecision), F(r.DetectionRate) };
            cells.AddRange(kinds.SelectMany(k => r.Kinds.TryGetValue(k, out var s) ? new[] { F(s.DetectionRate), F(s.AveragePrecision) } : ["", ""]));
            cells.AddRange([r.Threshold.ToString("G4", CultureInfo.InvariantCulture), r.TrainSeconds.ToString("F0", CultureInfo.InvariantCulture), r.SecondsPerScan.ToString("F1", CultureInfo.InvariantCulture)]);
            return cells;
        }).ToList();
        AtomicFile.WriteAllText(Path.Combine(folder, "table.tsv"), string.Join('\t', header) + "\n" + string.Join("", lines.Select(l => string.Join('\t', l) + "\n")));
        AtomicFile.WriteAllText(Path.Combine(folder, "table.md"), $"| {string.Join(" | ", header)} |\n|{string.Concat(header.Select(_ => " --- |"))}\n" +
                                                                  string.Concat(lines.Select(l => $"| {string.Join(" | ", l)} |\n")));
        var caseLines = cases.Select(c => string.Create(CultureInfo.InvariantCulture,
            $"{c.TestSet}\t{c.Scan}\t{c.Method}\t{c.Sign}\t{c.Dice:F4}\t{c.Auroc:F4}\t{c.AveragePrecision:F4}\t{c.DetectionRate:F4}\t{c.Threshold:G6}"));
        AtomicFile.WriteAllText(Path.Combine(folder, "cases.tsv"), "test_set\tscan\tmethod\tsign\tdice\tauroc\tap\tdetection_rate\tthreshold\n" + string.Join("", caseLines.Select(l => l + "\n")));
        SaveFigure(Path.Combine(folder, "figures", "maps.png"), first, result.FirstMaps);
    }

    /// <summary>The first test scan's four axial slices with the most lesion: the input with the true lesion, then each method's map (0 to twice its threshold) with what it flags.</summary>
    private static void SaveFigure(string path, BenchmarkTest test, IReadOnlyList<(string Method, float[] Map, double Threshold)> maps)
    {
        var volume = test.Scan.Volume;
        var lesion = test.Kinds.Select(k => k > 0).ToArray();
        var slices = Enumerable.Range(0, volume.SliceCount).OrderByDescending(z => volume.SliceOf(lesion, z).Count(l => l)).Take(4).Order().ToList();
        int h = volume.Options.Height, w = volume.Options.Width;
        var rows = new List<(string, IReadOnlyList<GrayImage>)>
        {
            ("input, true lesion", slices.Select(z => new GrayImage(volume.SliceOf(volume.Intensity, z), h, w) { Overlay = volume.SliceOf(lesion, z) }).ToList()),
        };
        foreach (var (name, map, threshold) in maps)
        {
            var flagged = map.Select(v => v > threshold).ToArray();
            var high = (float)Math.Max(2 * threshold, 1e-6);
            rows.Add((name, slices.Select(z => new GrayImage(volume.SliceOf(map, z), h, w, 0, high) { Overlay = volume.SliceOf(flagged, z) }).ToList()));
        }
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        ImageGrid.SavePng(path, rows);
    }
}
