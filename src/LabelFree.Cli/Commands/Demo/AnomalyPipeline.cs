using System.Globalization;
using LabelFree.Cli.Commands.Anomaly;
using LabelFree.Core.IO;
using LabelFree.Core.Progress;
using LabelFree.Core.Randomness;
using LabelFree.Core.Training;
using LabelFree.Data.Imaging;
using LabelFree.Learning.Methods.Strega;
using LabelFree.Reports.Figures;
using LabelFree.Reports.Html;
using static TorchSharp.torch;

namespace LabelFree.Cli.Commands.Demo;

/// <summary>Settings of the demo's anomaly pipeline, written to its run's config.json.</summary>
public sealed record AnomalyDemoSettings(string TrainingScan, int MinVolumes, StregaConfig Model, TrainerOptions Training, int TestCopies, string HeldOutScan, string HeldOutBrainMask);

/// <summary>
/// The demo's StRegA pipeline: trains the context-encoding VAE on the bundled healthy brain (Colin27, with seeded
/// deformed copies standing in for more subjects), then detects synthetic lesions in brains it never saw: other
/// deformed copies, and the ITK example head (a different person and scanner).
/// </summary>
public static class AnomalyPipeline
{
    public static AnomalyEvalSummary Run(DemoSettings demo, Device device, HtmlReport report, IProgressReporter progress)
    {
        var folder = Path.Combine(demo.Out, "anomaly");
        Directory.CreateDirectory(folder);
        var settings = Configure(demo);
        new RunConfig<AnomalyDemoSettings>("demo anomaly", demo.Seed, demo.Device.ToString().ToLowerInvariant(), settings, Versions.Current).Write(folder);

        var (train, validation) = AnomalyTrainCommand.LoadSlices([settings.TrainingScan], null, settings.Model.Preprocessing, settings.MinVolumes, demo.Seed, progress);
        progress.Info($"anomaly (StRegA): {train.Count} training and {validation.Count} validation slices");
        using var model = Strega.Create(settings.Model, demo.Seed, device);
        var trained = model.Fit(new SliceDataset(train, settings.Model.Height, settings.Model.Width, device, flip: true),
            new SliceDataset(validation, settings.Model.Height, settings.Model.Width, device), settings.Training, folder, progress, demo.Resume);
        model.Save(Path.Combine(folder, "model"), demo.Seed, trained.Steps);

        // Test brains never used in training: deformed copies from another seed stream, and the ITK head.
        var lesions = new LesionOptions();
        var cases = new List<AnomalyCase>();
        var colin = NiftiReader.Read(settings.TrainingScan);
        var colinBrain = BrainMask.FromSkullStripped(colin, settings.TrainingScan);
        for (var c = 0; c < settings.TestCopies; c++)
        {
            var (image, brain) = RandomDeformation.Apply(colin, colinBrain, AnomalyTrainCommand.Deformation, Rng.For(demo.Seed, "demo-test-brain", c));
            var lesioned = SyntheticLesions.Add(image, brain, lesions, Rng.For(demo.Seed, "demo-test-lesions", c));
            cases.Add(AnomalyEvalCommand.Evaluate(model, $"colin27_test{c}.nii.gz", 0, lesioned.Image, brain, lesioned.LesionMask, folder, montage: c == 0));
        }
        var head = NiftiReader.Read(settings.HeldOutScan);
        var headBrain = BrainMask.Read(settings.HeldOutBrainMask, head);
        var lesionedHead = SyntheticLesions.Add(head, headBrain, lesions, Rng.For(demo.Seed, "demo-test-lesions", 100));
        cases.Add(AnomalyEvalCommand.Evaluate(model, "itk_head.nii.gz", 0, lesionedHead.Image, headBrain, lesionedHead.LesionMask, folder, montage: true));

        var summary = AnomalyEvalCommand.Summarise(cases, lesions, demo.Seed) with { Postprocessing = settings.Model.Postprocessing };
        Json.Write(Path.Combine(folder, "metrics.json"), new { summary, cases });
        var curve = Path.Combine(folder, "figures", "loss_curve.png");
        var lines = MetricsLog.Read(Path.Combine(folder, MetricsLog.FileName));
        LineChart.SavePng(curve, "StRegA: loss", "step", "loss",
        [
            new Series("train", lines.Where(l => l.Phase == "train").Select(l => (double)l.Step).ToList(), lines.Where(l => l.Phase == "train").Select(l => l.Loss).ToList()),
            new Series("held-out slices", lines.Where(l => l.Phase == "validation").Select(l => (double)l.Step).ToList(), lines.Where(l => l.Phase == "validation").Select(l => l.Loss).ToList()),
        ], logY: true);

        string F(double v) => v.ToString("F3", CultureInfo.InvariantCulture);
        report.Section("Brain-MRI anomaly detection without labels (StRegA)")
            .Paragraph($"StRegA's compact context-encoding VAE learned healthy anatomy from the Colin27 brain and {settings.MinVolumes - 1} seeded deformed cop{(settings.MinVolumes == 2 ? "y" : "ies")} " +
                       $"({trained.Steps} steps{(demo.Quick ? ", a --quick run: expect weak maps" : "")}). It never saw a lesion. Synthetic lesions (darker, smooth-bordered " +
                       "spheres, ellipsoids and blobs of 6-15 mm radius) were then added to brains it never saw, and its anomaly maps were scored voxel-wise in the brain. " +
                       $"Masks follow the reference's post-processing, then a 3-D opening with a {settings.Model.Postprocessing.OpeningRadiusMm:0.#} mm ball (LabelFree's addition) removes thin residual rims along sulci and ventricles.")
            .Table(["test brain", "Dice (mask)", "AUROC (map)", "AP (map)", "lesion voxels", "seconds"],
                cases.Select(c => (IReadOnlyList<string>)[c.Scan, F(c.Dice), F(c.Auroc), F(c.AveragePrecision), c.LesionVoxels.ToString(CultureInfo.InvariantCulture), c.Seconds.ToString("F1", CultureInfo.InvariantCulture)]))
            .Paragraph($"Mean over {summary.Cases} brains: Dice {F(summary.Dice.Mean)} ± {F(summary.Dice.Sd)}, AUROC {F(summary.Auroc.Mean)} ± {F(summary.Auroc.Sd)}, AP {F(summary.AveragePrecision.Mean)} ± {F(summary.AveragePrecision.Sd)}.")
            .Figure(Path.Combine(folder, "overlay_colin27_test0.png"), "A deformed Colin27 brain with synthetic lesions: input, StRegA's anomaly mask, the true lesion.")
            .Figure(Path.Combine(folder, "overlay_itk_head.png"), "The ITK example head (another person and scanner), with synthetic lesions.")
            .Figure(curve, "StRegA training loss and held-out slice loss.");
        return summary;
    }

    private static AnomalyDemoSettings Configure(DemoSettings demo)
    {
        var quick = demo.Quick;
        var training = new TrainerOptions
        {
            Seed = demo.Seed,
            Epochs = 25,
            MaxSteps = demo.Steps is { } s ? Math.Max(1, s / 2) : quick ? 40 : null,
            BatchSize = 16,
            LearningRate = AnomalyTrainCommand.DefaultLearningRate,
            ValidateEverySteps = 50,
            CheckpointEverySteps = 100,
            LogEverySteps = 10,
        };
        return new AnomalyDemoSettings(DataFolder.File("imaging/ch2bet.nii.gz"), quick ? 2 : 8, new StregaConfig(), training, quick ? 2 : 4,
            DataFolder.File("imaging/KmeansTest_T1UCharRaw.nii.gz"), DataFolder.File("imaging/KmeansTest_T1_brainmask.nii.gz"));
    }
}
