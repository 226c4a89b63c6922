using System.Globalization;
using LabelFree.Analysis.Metrics;
using LabelFree.Core.IO;
using LabelFree.Core.Progress;
using LabelFree.Core.Randomness;
using LabelFree.Core.Training;
using LabelFree.Data.Imaging;
using LabelFree.Learning.Methods.VoxelMorph;
using LabelFree.Learning.Methods.Deformable;
using LabelFree.Learning.Registration;
using LabelFree.Reports.Figures;
using LabelFree.Reports.Html;
using LabelFree.Workflows.Registration;
using LabelFree.Workflows.Runs;
using static TorchSharp.torch;

namespace LabelFree.Cli.Commands.Demo;

/// <summary>Settings of the demo's registration pipeline, written to its run's config.json.</summary>
/// <param name="Refine">Instance-specific optimisation applied after the network (the last column of the demo's table): the default of `register apply` (--quick: a cheaper level).</param>
public sealed record RegistrationDemoSettings(VoxelMorphConfig Model, TrainerOptions Training, DeformationOptions Deformation, RefinementPlan Refine);

/// <summary>One registered demo pair.</summary>
/// <param name="DiceRefined">After the network's field was refined on the pair (instance-specific optimisation); folding and seconds are of this final step.</param>
public sealed record RegistrationDemoCase(string Pair, double DiceBefore, double DiceAffine, double DiceVoxelMorph, double DiceRefined, double FoldingFraction, double Seconds);

/// <summary>
/// The demo's registration pipeline: trains VoxelMorph (diffeomorphic, NCC) on seeded random deformations of the two
/// bundled real brains, then registers held-out pairs of each (other seed stream; AAL atlas labels for Colin27, tissue
/// classes for the ITK head, warped with the same field) and reports Dice before, after the affine and after
/// affine + VoxelMorph, and after the network's field was refined on each pair (VoxelMorph's instance-specific
/// optimisation), the folding fraction, overlays and the Jacobian map.
/// </summary>
public static class RegistrationPipeline
{
    public static IReadOnlyList<RegistrationDemoCase> Run(DemoSettings demo, Device device, HtmlReport report, IProgressReporter progress)
    {
        var folder = Path.Combine(demo.Out, "registration");
        var settings = Configure(demo);
        RunFolder.Start(folder, "demo registration", demo.Seed, demo.In(folder).DeviceName, settings);

        (string Name, string Scan, string Mask, string Labels)[] subjects =
        [
            ("Colin27 (AAL labels)", DataFolder.File("imaging/ch2bet.nii.gz"), DataFolder.File("imaging/ch2bet.nii.gz"), DataFolder.File("imaging/aal.nii.gz")),
            ("ITK head (tissue classes)", DataFolder.File("imaging/KmeansTest_T1UCharRaw.nii.gz"), DataFolder.File("imaging/KmeansTest_T1_brainmask.nii.gz"),
                DataFolder.File("imaging/KmeansTest_T1KmeansPrelimSegmentation.nii.gz")),
        ];
        var loaded = subjects.Select(s => RegistrationFiles.Scan(s.Scan, s.Mask, "demo")).ToList();
        using var model = VoxelMorph.Create(settings.Model, demo.Seed, device);
        progress.Info($"registration (VoxelMorph): grid {string.Join("x", settings.Model.Grid.Shape)} at {settings.Model.Grid.SpacingMm} mm, {settings.Training.MaxSteps} steps");
        var pairs = new DeformedPairs(loaded, settings.Model.Grid, settings.Deformation, device);
        var trained = model.Fit(pairs, pairs.Take(2), new TrainingRun(settings.Training, folder, progress, demo.Resume));
        model.Save(Path.Combine(folder, "model"), demo.Seed, trained.Steps);

        var cases = new List<RegistrationDemoCase>();
        var figures = new List<(string Path, string Caption)>();
        for (var s = 0; s < subjects.Length; s++)
        {
            var (scan, brain) = loaded[s];
            var labels = RegistrationFiles.Labels(subjects[s].Labels, scan, "demo").Data.Select((v, i) => brain[i] ? v : 0f).ToArray();
            var stripped = scan.WithData(scan.Data.Take(brain.Length).Select((v, i) => brain[i] ? v : 0f).ToArray()) with { Shape = scan.Shape.Take(3).ToArray() };
            var (fixedImage, fixedMask, fixedLabels) = RandomDeformation.Apply(stripped, brain, labels, HeldOutPairs.Deformation, Rng.For(demo.Seed, "demo-register-heldout", 2L * s));
            var (moving, movingMask, movingLabels) = RandomDeformation.Apply(stripped, brain, labels, HeldOutPairs.Deformation, Rng.For(demo.Seed, "demo-register-heldout", 2L * s + 1));
            var labelImage = stripped.WithData(movingLabels!);

            var affineOnly = PairRegistration.Run(null, fixedImage, fixedMask, moving, movingMask, labelImage, AffineOptions.Default, null, device);
            var network = PairRegistration.Run(model, fixedImage, fixedMask, moving, movingMask, labelImage, null, affineOnly.FixedToMoving, device);
            var pair = PairRegistration.Run(model, fixedImage, fixedMask, moving, movingMask, labelImage, null, affineOnly.FixedToMoving, device, settings.Refine);
            var jacobian = RegistrationFiles.Jacobian(pair.Field);
            double Dice(float[] warped) => RegistrationMetrics.DicePerLabel(warped, fixedLabels!, PairEvaluation.MinLabelVoxels).Values.DefaultIfEmpty(0).Average();
            var folding = RegistrationMetrics.FoldingFraction(jacobian, fixedMask);
            cases.Add(new RegistrationDemoCase(subjects[s].Name, Dice(movingLabels!), Dice(affineOnly.WarpedLabels!), Dice(network.WarpedLabels!), Dice(pair.WarpedLabels!), folding,
                affineOnly.Seconds + pair.Seconds));
            var png = Path.Combine(folder, $"overlay_{s}.png");
            SaveOverlay(png, fixedImage, moving.Data, affineOnly.Warped, pair.Warped, jacobian, fixedLabels!);
            figures.Add((png, $"{subjects[s].Name}, middle axial slice, fixed labels' borders in red: fixed, moving (before), after the affine, after affine + VoxelMorph (refined), and the Jacobian determinant (0 black to 2 white)."));
        }
        Json.Write(Path.Combine(folder, "metrics.json"), new { steps = trained.Steps, cases });

        string F(double v) => v.ToString("F3", CultureInfo.InvariantCulture);
        report.Section("Deformable registration without labels (VoxelMorph)")
            .Paragraph($"VoxelMorph (diffeomorphic, NCC) learned to register brains from image similarity and smoothness alone, on pairs of seeded random smooth " +
                       $"deformations and intensity changes of the two bundled real brains ({trained.Steps} steps on a {string.Join("x", settings.Model.Grid.Shape)} grid " +
                       $"at {settings.Model.Grid.SpacingMm} mm{(demo.Quick ? ", a --quick run: far too short for the network alone to improve on the affine; see bench/RESULTS.md for a longer one" : "")}). Held-out pairs (another seed stream) " +
                       "were registered at full resolution: affine pre-alignment, then the network, its field interpolated to the full grid; in the last Dice column the " +
                       $"network's field was refined on each pair by {settings.Refine.CoarseSteps} steps of its own loss (VoxelMorph's instance-specific optimisation)" +
                       (settings.Refine.Levels.Length == 0 ? ". " : $", then on finer grids of {string.Join(" and ", settings.Refine.Levels.Select(l => RefinementPyramid.Name(l.SpacingMm)))} over the fixed brain. ") +
                       "The labels, never used in training, were warped with the same transform and scored (mean Dice over labels); folding and seconds are of the refined registration.")
            .Table(["pair", "Dice before", "Dice affine", "Dice affine + VoxelMorph", "Dice refined", "folding (% brain voxels)", "seconds"],
                cases.Select(c => (IReadOnlyList<string>)[c.Pair, F(c.DiceBefore), F(c.DiceAffine), F(c.DiceVoxelMorph), F(c.DiceRefined),
                    (100 * c.FoldingFraction).ToString("F4", CultureInfo.InvariantCulture), c.Seconds.ToString("F1", CultureInfo.InvariantCulture)]));
        foreach (var (path, caption) in figures) report.Figure(path, caption);
        return cases;
    }

    private static void SaveOverlay(string path, NiftiImage fixedImage, float[] before, float[] affine, float[] after, float[] jacobian, float[] labels)
    {
        int nx = fixedImage.X, ny = fixedImage.Y, z = fixedImage.Z / 2;
        float[] Slice(float[] v)
        {
            var slice = new float[nx * ny];
            for (var y = 0; y < ny; y++)
                for (var x = 0; x < nx; x++) slice[(ny - 1 - y) * nx + x] = v[((long)z * ny + y) * nx + x];
            return slice;
        }
        var labelSlice = Slice(labels);
        var border = new bool[labelSlice.Length];
        for (var i = 0; i < border.Length; i++)
        {
            int x = i % nx, y = i / nx;
            border[i] = labelSlice[i] != 0 && ((x + 1 < nx && labelSlice[i + 1] != labelSlice[i]) || (y + 1 < ny && labelSlice[i + nx] != labelSlice[i]));
        }
        var high = fixedImage.Data.Where(v => v > 0).DefaultIfEmpty(1f).OrderBy(v => v).ElementAt((int)(0.99 * fixedImage.Data.Count(v => v > 0)));
        GrayImage Gray(float[] v) => new(Slice(v), ny, nx, 0, high) { Overlay = border };
        ImageGrid.SavePng(path,
        [
            ("axial", [Gray(fixedImage.Data), Gray(before), Gray(affine), Gray(after), new GrayImage(Slice(jacobian), ny, nx, 0, 2)]),
        ]);
    }

    private static RegistrationDemoSettings Configure(DemoSettings demo)
    {
        var quick = demo.Quick;
        var grid = quick ? new RegistrationGrid([32, 32, 32], 6.0) : new RegistrationGrid([48, 48, 48], 4.0);
        var training = DeformableMethods.DefaultTraining(demo.Steps ?? (quick ? 30 : 200), demo.Seed);
        // --quick: one cheaper finer level (3 mm, at most 10 steps) than register apply's default (2 mm, 30), to keep the quick demo's time.
        var refine = quick ? new RefinementPlan(Refinement.DefaultSteps, [new PyramidLevel(3, 10)]) : Refinement.Resolve(null, null, null, hasModel: true)!;
        return new RegistrationDemoSettings(new VoxelMorphConfig { Grid = grid }, training, DeformableMethods.TrainingDeformation, refine);
    }
}
