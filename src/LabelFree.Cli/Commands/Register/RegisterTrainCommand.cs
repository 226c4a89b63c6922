using System.CommandLine;
using LabelFree.Cli.Commands.Anomaly;
using LabelFree.Core.Errors;
using LabelFree.Core.IO;
using LabelFree.Core.Progress;
using LabelFree.Core.Torch;
using LabelFree.Core.Training;
using LabelFree.Data.Imaging;
using LabelFree.Learning.Methods.Micdir;
using LabelFree.Learning.Methods.VoxelMorph;
using LabelFree.Learning.Registration;

namespace LabelFree.Cli.Commands.Register;

public sealed record RegisterTrainSettings(
    IReadOnlyList<string>? Data,
    IReadOnlyList<string>? Masks,
    string Method,
    string Out,
    long Steps,
    int BatchSize,
    double LearningRate,
    int[] Grid,
    double SpacingMm,
    int[]? Crop,
    bool Bidirectional,
    long Seed,
    ComputeDevice Device,
    int? Threads,
    bool Resume,
    string? Pairs = null);

/// <summary>What <c>register train</c> records in the run's config.json.</summary>
/// <param name="Crop">Training window in voxels (x y z), or null when pairs cover the whole grid.</param>
/// <param name="Pairs">Real training pairs (fixed, moving, fixed-to-moving affine), or null.</param>
public sealed record RegisterTrainRecord(IReadOnlyList<string> Scans, IReadOnlyList<string>? Masks, string Method, object Model, int[]? Crop, TrainerOptions Training,
    DeformationOptions Deformation, IReadOnlyList<TrainingPairRecord>? Pairs);

/// <summary>A real training pair as recorded in config.json, with the affine used (given or fitted).</summary>
public sealed record TrainingPairRecord(string Fixed, string Moving, string? Affine, double[] FixedToMoving);

/// <summary>
/// <c>register train</c>: trains VoxelMorph or MICDIR on pairs made from the given brains by seeded random smooth
/// deformations and intensity changes (<see cref="DeformedPairs"/>), with a fixed validation set of such pairs, and/or on
/// real pairs of a pairs file (<see cref="RealPairs"/>), each pre-aligned by its given affine.json or by a fitted affine,
/// as at inference. With real pairs only, the validation loss is taken on those same pairs (there is nothing held out).
/// </summary>
public static class RegisterTrainCommand
{
    public static Command Create()
    {
        var data = new Option<string[]>("--data") { Description = "Brain scans to deform into training pairs: NIfTI files or folders", AllowMultipleArgumentsPerToken = true };
        var pairs = new Option<string>("--pairs")
        {
            Description = "Real training pairs: tab-separated file with fixed, moving[, fixed_mask, moving_mask, affine] (affine.json from register affine; fitted when absent)",
        };
        var masks = new Option<string[]>("--masks") { Description = "Brain masks, one per scan (default: non-zero voxels of skull-stripped scans)", AllowMultipleArgumentsPerToken = true };
        var method = new Option<string>("--method") { Description = "voxelmorph or micdir", DefaultValueFactory = _ => VoxelMorph.MethodName };
        method.AcceptOnlyFromAmong(VoxelMorph.MethodName, Micdir.MethodName);
        var output = new Option<string>("--out") { Description = "Run folder (the model goes to RUN/model)", Required = true };
        var steps = CommonOptions.Positive(new Option<long>("--steps") { Description = "Optimizer steps (about 9 minutes on 2 quiet cores at the default grid)", DefaultValueFactory = _ => 1000 });
        var batch = CommonOptions.Positive(new Option<int>("--batch-size") { Description = "Pairs per step (reference: 1)", DefaultValueFactory = _ => 1 });
        var learningRate = new Option<double>("--lr")
        {
            Description = "Adam learning rate (reference: 1e-4 over far more steps; 1e-3 is what the measured runs of about 1000 steps used)", DefaultValueFactory = _ => 1e-3,
        };
        var grid = new Option<int[]>("--grid") { Description = "Working grid in voxels, x y z (multiples of 16)", AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => [48, 48, 48] };
        var spacing = new Option<double>("--spacing") { Description = "Working grid spacing in mm", DefaultValueFactory = _ => 4.0 };
        var crop = new Option<int[]>("--crop")
        {
            Description = "Train on windows of this many voxels (x y z, multiples of 16) around random brain voxels instead of the whole grid; " +
                "the model still registers the whole grid",
            AllowMultipleArgumentsPerToken = true,
        };
        var bidirectional = new Option<bool>("--bidirectional") { Description = "VoxelMorph: add the inverse direction's similarity (MICDIR is always symmetric)" };
        var seed = CommonOptions.Seed();
        var device = CommonOptions.Device();
        var threads = CommonOptions.Threads();
        var resume = new Option<bool>("--resume") { Description = "Continue a killed run in --out from its last checkpoint" };
        var command = new Command("train", "Train a deformable registration network (VoxelMorph or MICDIR) without labels")
        {
            data, masks, pairs, method, output, steps, batch, learningRate, grid, spacing, crop, bidirectional, seed, device, threads, resume,
        };
        command.SetAction(r => Run(new RegisterTrainSettings(r.GetValue(data)!, r.GetValue(masks), r.GetValue(method)!, r.GetValue(output)!, r.GetValue(steps),
            r.GetValue(batch), r.GetValue(learningRate), r.GetValue(grid)!, r.GetValue(spacing), r.GetValue(crop), r.GetValue(bidirectional), r.GetValue(seed),
            r.GetValue(device), r.GetValue(threads), r.GetValue(resume), r.GetValue(pairs)), Console.Out, new ConsoleProgress()));
        return command;
    }

    /// <summary>
    /// The training deformations: the held-out pairs' smooth displacement and intensity changes, with rotation and scaling
    /// cut to 2 degrees and 2% because affine pre-alignment removes those before the network sees a pair.
    /// </summary>
    public static readonly DeformationOptions Deformation = new(RotationDegrees: 2, ScaleFraction: 0.02);

    public static int Run(RegisterTrainSettings settings, TextWriter output, IProgressReporter progress)
    {
        var device = TorchRuntime.Start(settings.Device, settings.Threads);
        if (settings.Grid.Length != 3) throw new UserInputException($"--grid: expected 3 numbers (x y z), got {settings.Grid.Length}");
        if (settings.Crop is { Length: > 0 } c && (c.Length != 3 || c.Any(v => v < 16 || v % 16 != 0) || c.Where((v, a) => v > settings.Grid[a]).Any()))
            throw new UserInputException($"--crop: expected 3 multiples of 16 no larger than --grid, got {string.Join(" ", c)}");
        var crop = settings.Crop is { Length: > 0 } ? settings.Crop : null;
        if (!(settings.LearningRate > 0)) throw new UserInputException($"--lr: expected a positive number, got {settings.LearningRate}");
        if (settings.Data is not { Count: > 0 } && settings.Pairs is null) throw new UserInputException("register train: give --data (brains to deform) or --pairs (real pairs), or both");
        if (crop is not null && settings.Pairs is not null) throw new UserInputException("--crop: works with --data deformations only, not with --pairs");
        var scans = settings.Data is { Count: > 0 } ? ScanList.Expand(settings.Data, "--data") : [];
        var masks = ScanList.Pair(scans, settings.Masks, "--masks");
        var rows = settings.Pairs is null ? [] : RegistrationFiles.ReadPairs(settings.Pairs, labels: false);
        var grid = new RegistrationGrid(settings.Grid, settings.SpacingMm);
        using var model = Create(settings.Method, grid, settings.Bidirectional, settings.Seed, device, out var config);
        var training = new TrainerOptions
        {
            Seed = settings.Seed,
            MaxSteps = settings.Steps,
            Epochs = 1,
            BatchSize = settings.BatchSize,
            LearningRate = settings.LearningRate,
            ValidateEverySteps = Math.Max(10, settings.Steps / 10),
            CheckpointEverySteps = Math.Max(10, settings.Steps / 5),
            LogEverySteps = 10,
            RestoreBestWeights = false,
        };

        var (aligned, pairRecords) = AlignPairs(rows, device, progress);
        Directory.CreateDirectory(settings.Out);
        new RunConfig<RegisterTrainRecord>("register train", settings.Seed, settings.Device.ToString().ToLowerInvariant(),
            new RegisterTrainRecord(scans, masks, settings.Method, config, crop, training, Deformation, pairRecords.Count == 0 ? null : pairRecords), Versions.Current)
            .Write(settings.Out);

        var real = aligned.Count == 0 ? null : new RealPairs(aligned, grid, device);
        var subjects = scans.Select((scan, s) => RegistrationFiles.Scan(scan, masks?[s], "--data")).ToList();
        // With both sources, as many deformed pairs per epoch as real ones: half of the steps see each.
        var deformedCount = real is null ? (int)Math.Min(int.MaxValue, settings.Steps * settings.BatchSize) : real.Count;
        IBatchSource<RegistrationBatch>? deformed = subjects.Count == 0 ? null : new DeformedPairs(subjects, grid, Deformation, deformedCount, device, crop);
        var train = (deformed, real) switch
        {
            ({ } d, { } r) => new CombinedPairs(d, r),
            ({ } d, null) => d,
            _ => real!,
        };
        IBatchSource<RegistrationBatch> validation = subjects.Count > 0
            ? new DeformedPairs(subjects, grid, Deformation, 4, device, crop)
            : real!;
        progress.Info($"register train: {settings.Method} on {scans.Count} brain(s) and {rows.Count} real pair(s), grid {string.Join("x", grid.Shape)} at {grid.SpacingMm} mm"
            + (crop is null ? "" : $", {string.Join("x", crop)} windows") + $", {settings.Steps} steps");
        var result = model.Fit(train, validation, training, settings.Out, progress, settings.Resume);
        var modelFolder = Path.Combine(settings.Out, "model");
        model.Save(modelFolder, settings.Seed, result.Steps);
        output.WriteLine($"trained {settings.Method} {result.Steps} steps, final loss {result.FinalLoss:G4}, best validation loss {result.BestValidationLoss:G4}; model: {modelFolder}");
        return CommandLine.Ok;
    }

    /// <summary>Reads each real training pair and its affine: the given affine.json, or one fitted as <c>register apply</c> does.</summary>
    private static (List<AlignedPair> Pairs, List<TrainingPairRecord> Records) AlignPairs(IReadOnlyList<PairRow> rows, TorchSharp.torch.Device device, IProgressReporter progress)
    {
        var pairs = new List<AlignedPair>();
        var records = new List<TrainingPairRecord>();
        foreach (var row in rows)
        {
            var (fixedImage, fixedMask) = RegistrationFiles.Scan(row.Fixed, row.FixedMask, "--pairs fixed");
            var (moving, movingMask) = RegistrationFiles.Scan(row.Moving, row.MovingMask, "--pairs moving");
            var fixedToMoving = row.Affine is not null ? RegistrationFiles.ReadAffine(row.Affine)
                : AffineRegistration.Register(fixedImage, fixedMask, moving, movingMask, AffineOptions.Default, device).FixedToMoving;
            pairs.Add(new AlignedPair(fixedImage, fixedMask, moving, movingMask, fixedToMoving));
            records.Add(new TrainingPairRecord(row.Fixed, row.Moving, row.Affine, fixedToMoving));
            progress.Info($"  pair {Path.GetFileName(row.Moving)} -> {Path.GetFileName(row.Fixed)}: affine {(row.Affine is null ? "fitted" : "given")}");
        }
        return (pairs, records);
    }

    /// <summary>A new model of <paramref name="method"/> on <paramref name="grid"/>, with the method's published defaults.</summary>
    public static IDeformableModel Create(string method, RegistrationGrid grid, bool bidirectional, long seed, TorchSharp.torch.Device device, out object config)
    {
        if (method == Micdir.MethodName)
        {
            var micdir = new MicdirConfig { Grid = grid };
            config = micdir;
            return Micdir.Create(micdir, seed, device);
        }
        var voxelmorph = new VoxelMorphConfig { Grid = grid, Bidirectional = bidirectional };
        config = voxelmorph;
        return VoxelMorph.Create(voxelmorph, seed, device);
    }
}
