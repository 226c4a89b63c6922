using System.Globalization;
using LabelFree.Core.Progress;
using LabelFree.Core.Randomness;
using LabelFree.Data.Imaging;
using LabelFree.Learning.Methods.Strega;
using LabelFree.Reports.Html;
using LabelFree.Workflows.Anomaly;

namespace LabelFree.Cli.Commands.Demo;

/// <summary>
/// The demo's StRegA pipeline: trains the context-encoding VAE on the bundled healthy brain (Colin27, with seeded
/// deformed copies standing in for more subjects; <see cref="StregaTraining"/>), then detects synthetic lesions in
/// brains it never saw: other deformed copies, and the ITK example head (a different person and scanner).
/// </summary>
public static class AnomalyPipeline
{
    public static AnomalyEvalSummary Run(DemoSettings demo, HtmlReport report, IProgressReporter progress)
    {
        var folder = Path.Combine(demo.Out, "anomaly");
        var quick = demo.Quick;
        var trainingScan = DataFolder.File("imaging/ch2bet.nii.gz");
        var (heldOutScan, heldOutMask) = (DataFolder.File("imaging/KmeansTest_T1UCharRaw.nii.gz"), DataFolder.File("imaging/KmeansTest_T1_brainmask.nii.gz"));
        var training = Strega.DefaultTraining(demo.Seed) with { MaxSteps = demo.Steps is { } s ? Math.Max(1, s / 2) : quick ? 40 : null };
        var settings = new StregaTrainSettings([trainingScan], null, new StregaConfig(), training, MinVolumes: quick ? 2 : 8);
        var trained = StregaTraining.Run(settings, demo.In(folder), demo.Resume, progress, "demo anomaly");
        using var model = trained.Model;

        // Test brains never used in training: deformed copies from another seed stream, and the ITK head.
        var lesions = new LesionOptions();
        var cases = new List<AnomalyCase>();
        var colin = NiftiReader.Read(trainingScan);
        var colinBrain = BrainMask.FromSkullStripped(colin, trainingScan);
        var testCopies = quick ? 2 : 4;
        for (var c = 0; c < testCopies; c++)
        {
            var (image, brain) = RandomDeformation.Apply(colin, colinBrain, StregaTraining.Deformation, Rng.For(demo.Seed, "demo-test-brain", c));
            var lesioned = SyntheticLesions.Add(image, brain, lesions, Rng.For(demo.Seed, "demo-test-lesions", c));
            cases.Add(AnomalyEvaluation.Evaluate(model, $"colin27_test{c}.nii.gz", 0, lesioned.Image, brain, lesioned.LesionMask, folder, montage: c == 0));
        }
        var head = NiftiReader.Read(heldOutScan);
        var headBrain = BrainMask.Read(heldOutMask, head);
        var lesionedHead = SyntheticLesions.Add(head, headBrain, lesions, Rng.For(demo.Seed, "demo-test-lesions", 100));
        cases.Add(AnomalyEvaluation.Evaluate(model, "itk_head.nii.gz", 0, lesionedHead.Image, headBrain, lesionedHead.LesionMask, folder, montage: true));

        var summary = AnomalyEvaluation.Write(folder, cases, lesions, demo.Seed, model.Config.Postprocessing);
        var curve = Path.Combine(folder, "figures", "loss_curve.png");

        string F(double v) => v.ToString("F3", CultureInfo.InvariantCulture);
        report.Section("Brain-MRI anomaly detection without labels (StRegA)")
            .Paragraph($"StRegA's compact context-encoding VAE learned healthy anatomy from the Colin27 brain and {settings.MinVolumes - 1} seeded deformed cop{(settings.MinVolumes == 2 ? "y" : "ies")} " +
                       $"({trained.Training.Steps} steps{(demo.Quick ? ", a --quick run: expect weak maps" : "")}). It never saw a lesion. Synthetic lesions (darker, smooth-bordered " +
                       "spheres, ellipsoids and blobs of 6-15 mm radius) were then added to brains it never saw, and its anomaly maps were scored voxel-wise in the brain. " +
                       $"Masks follow the reference's post-processing, then a 3-D opening with a {settings.Model.Postprocessing.OpeningRadiusMm:0.#} mm ball (LabelFree's addition) removes thin residual rims along sulci and ventricles.")
            .Table(["test brain", "Dice (mask)", "AUROC (map)", "AP (map)", "lesion voxels", "seconds"],
                cases.Select(c => (IReadOnlyList<string>)[c.Scan, F(c.Dice), F(c.Auroc), F(c.AveragePrecision), c.LesionVoxels.ToString(CultureInfo.InvariantCulture), c.Seconds.ToString("F1", CultureInfo.InvariantCulture)]))
            .Paragraph($"Mean over {summary.Cases} brains: Dice {F(summary.Dice.Mean)} ± {F(summary.Dice.Sd)}, AUROC {F(summary.Auroc.Mean)} ± {F(summary.Auroc.Sd)}, AP {F(summary.AveragePrecision.Mean)} ± {F(summary.AveragePrecision.Sd)}.")
            .Figure(Path.Combine(folder, "overlay_colin27_test0.png"), "A deformed Colin27 brain with synthetic lesions: input, StRegA's anomaly mask, the true lesion.")
            .Figure(Path.Combine(folder, "overlay_itk_head.png"), "The ITK example head (another person and scanner), with synthetic lesions.")
            .Figure(curve, "StRegA training loss and held-out slice loss.");
        Benchmark(demo, model, trained.Training.Steps, colin, colinBrain, head, headBrain, report, progress);
        return summary;
    }

    /// <summary>
    /// A quick <see cref="AnomalyBenchmark"/>: the trained StRegA beside the two baselines on lesions of every kind, the
    /// thresholds fixed on a healthy deformed copy at 1% false positives, scored one- and two-signed.
    /// </summary>
    private static void Benchmark(DemoSettings demo, Strega model, long steps, NiftiImage colin, bool[] colinBrain, NiftiImage head, bool[] headBrain, HtmlReport report,
        IProgressReporter progress)
    {
        var folder = Path.Combine(demo.Out, "anomaly", "benchmark");
        Directory.CreateDirectory(folder);
        var training = AnomalyBenchmark.Prepare("colin27", colin, colinBrain);
        var validation = AnomalyBenchmark.ValidationBrains([training], 1, demo.Seed);
        var tests = new List<BenchmarkTest>();
        BenchmarkTest Lesioned(string set, string name, NiftiImage image, bool[] brain, long stream)
        {
            var lesioned = SyntheticLesions.Add(image, brain, LesionOptions.Mixed, Rng.For(demo.Seed, "demo-benchmark-lesions", stream));
            return AnomalyBenchmark.Test(set, name, lesioned.Image, brain, lesioned.KindLabels.Select(k => (float)k).ToArray(), name);
        }
        for (var c = 0; c < (demo.Quick ? 1 : 3); c++)
        {
            var (image, brain) = RandomDeformation.Apply(colin, colinBrain, StregaTraining.Deformation, Rng.For(demo.Seed, "demo-benchmark-brain", c));
            tests.Add(Lesioned("colin27 copies", $"copy{c}", image, brain, c));
        }
        tests.Add(Lesioned("itk head", "itk_head", head, headBrain, 100));
        var atlas = HealthyAtlas.Fit([training.Volume], demo.In(folder).StartTorch());
        var result = AnomalyBenchmark.Compare([(atlas.MeanDifference, 0), (atlas.TissueZScore, 0), (new StregaScorer(model), 0)], validation, tests,
            [ResidualSign.Signed, ResidualSign.Absolute], 0.01, progress);
        AnomalyBenchmark.Write(folder, 0.01, result, tests[0]);

        string F(double v) => double.IsNaN(v) ? "" : v.ToString("F3", CultureInfo.InvariantCulture);
        string Kind(BenchmarkRow r, string kind) => r.Kinds.TryGetValue(kind, out var k) ? F(k.DetectionRate) : "";
        report.Section("Anomaly benchmark: StRegA beside two simple baselines (quick)")
            .Paragraph($"The same StRegA model ({steps} steps) and two baselines fitted on the same healthy brain: the difference to it after affine registration, and a " +
                       "z-score of each voxel against its tissue class. Test brains carry lesions of every kind (darker, brighter, textured; 4-15 mm). Each map's " +
                       "threshold flags 1% of a healthy deformed copy's brain voxels (Bercea et al.'s protocol); maps are scored one-signed (darker than expected) " +
                       "and two-signed (absolute). A lesion counts as detected when a tenth of it is flagged. `labelfree anomaly benchmark` runs this with SCAD too.")
            .Table(["test set", "method", "sign", "Dice", "AUROC", "AP", "detected", "darker", "brighter", "textured"],
                result.Rows.Select(r => (IReadOnlyList<string>)[r.TestSet, r.Method, r.Sign, F(r.Dice), F(r.Auroc), F(r.AveragePrecision), F(r.DetectionRate),
                    Kind(r, "darker"), Kind(r, "brighter"), Kind(r, "textured")]))
            .Figure(Path.Combine(folder, "figures", "maps.png"), "A deformed Colin27 brain with mixed lesions: the true lesions, then each two-signed map (0 to twice its threshold) with what it flags.");
    }
}
