using System.CommandLine;
using LabelFree.Core.IO;
using LabelFree.Core.Progress;
using LabelFree.Core.Randomness;
using LabelFree.Core.Torch;
using LabelFree.Core.Training;
using LabelFree.Data.Imaging;
using LabelFree.Learning.Methods.Strega;

namespace LabelFree.Cli.Commands.Anomaly;

/// <summary>Settings of <c>anomaly train</c>, as parsed.</summary>
public sealed record AnomalyTrainSettings(
    IReadOnlyList<string> Data,
    IReadOnlyList<string>? Masks,
    string Out,
    int Epochs,
    long? Steps,
    int BatchSize,
    double LearningRate,
    long Seed,
    ComputeDevice Device,
    int? Threads,
    bool Resume,
    int MinVolumes = 8,
    double Spacing = 2,
    double? OpeningRadius = null,
    double? ClipAbove = null);

/// <summary>What <c>anomaly train</c> records in the run's config.json.</summary>
public sealed record AnomalyTrainRecord(IReadOnlyList<string> Scans, IReadOnlyList<string>? Masks, StregaConfig Model, TrainerOptions Training,
    int ValidationEvery, int MinVolumes, DeformationOptions Deformation);

public static class AnomalyTrainCommand
{
    /// <summary>Every this-many-th training slice is held out for validation (and early stopping).</summary>
    public const int ValidationEvery = 10;

    /// <summary>
    /// Adam's learning rate by default (the reference's is 1e-4): in the same 700 steps 5e-4 gave a higher held-out Dice
    /// (Colin27 copies 0.105 -> 0.212, ITK head 0.240 -> 0.299, intensity input; bench/RESULTS.md).
    /// </summary>
    public const double DefaultLearningRate = 5e-4;

    public static Command Create()
    {
        var data = new Option<string[]>("--data") { Description = "Healthy scans: NIfTI files or folders of them", Required = true, AllowMultipleArgumentsPerToken = true };
        var masks = new Option<string[]>("--masks") { Description = "Brain masks, one per scan (a folder pairs by file name); default: the scans' non-zero voxels (skull-stripped scans)", AllowMultipleArgumentsPerToken = true };
        var output = new Option<string>("--out") { Description = "Run folder", Required = true };
        var epochs = CommonOptions.Positive(new Option<int>("--epochs") { Description = "Passes over the training slices", DefaultValueFactory = _ => 30 });
        var steps = CommonOptions.Positive(new Option<long?>("--steps") { Description = "Optimizer steps (overrides --epochs)" });
        var batch = CommonOptions.Positive(new Option<int>("--batch-size") { Description = "Slices per step", DefaultValueFactory = _ => 16 });
        var learningRate = new Option<double>("--lr") { Description = "Adam learning rate (reference: 1e-4; 5e-4 measured better in a 15-minute CPU budget)", DefaultValueFactory = _ => DefaultLearningRate };
        var seed = CommonOptions.Seed();
        var device = CommonOptions.Device();
        var threads = CommonOptions.Threads();
        var resume = new Option<bool>("--resume") { Description = "Continue a killed run in --out from its last checkpoint" };
        var minVolumes = new Option<int>("--min-volumes")
        {
            Description = "With fewer scans than this, add randomly deformed copies (seeded) until there are this many training volumes",
            DefaultValueFactory = _ => 8,
        };
        var spacing = new Option<double>("--spacing")
        {
            Description = "Working grid in mm; slices cover 224x192 mm (reference: 1 mm, 256x256 pixels)",
            DefaultValueFactory = _ => 2,
        };
        spacing.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double>() is not (> 0 and <= StregaConfig.MaxSpacingMm))
                result.AddError($"--spacing: expected a voxel size in mm in (0, {StregaConfig.MaxSpacingMm}], got {result.GetValueOrDefault<double>()}");
        });
        var postprocessing = new PostprocessingChoice();
        var command = new Command("train", "Train StRegA's context-encoding VAE on healthy brain scans")
        {
            data, masks, output, epochs, steps, batch, learningRate, seed, device, threads, resume, minVolumes, spacing,
            postprocessing.OpeningRadius, postprocessing.ClipAbove,
        };
        command.SetAction(r =>
        {
            var (opening, clip) = postprocessing.Read(r);
            return Run(new AnomalyTrainSettings(r.GetValue(data)!, r.GetValue(masks), r.GetValue(output)!, r.GetValue(epochs),
                r.GetValue(steps), r.GetValue(batch), r.GetValue(learningRate), r.GetValue(seed), r.GetValue(device), r.GetValue(threads),
                r.GetValue(resume), r.GetValue(minVolumes), r.GetValue(spacing), opening, clip), Console.Out, new ConsoleProgress());
        });
        return command;
    }

    public static int Run(AnomalyTrainSettings settings, TextWriter output, IProgressReporter progress)
    {
        var device = TorchRuntime.Start(settings.Device, settings.Threads);
        var scans = ScanList.Expand(settings.Data, "--data");
        var masks = ScanList.Pair(scans, settings.Masks, "--masks");
        var defaults = StregaConfig.AtSpacing(settings.Spacing);
        var config = defaults with { Postprocessing = PostprocessingChoice.Apply(defaults.Postprocessing, settings.OpeningRadius, settings.ClipAbove) };
        var training = new TrainerOptions
        {
            Seed = settings.Seed,
            Epochs = settings.Epochs,
            MaxSteps = settings.Steps,
            BatchSize = settings.BatchSize,
            LearningRate = settings.LearningRate,
            ValidateEverySteps = 50,
            CheckpointEverySteps = 100,
            LogEverySteps = 10,
        };
        Directory.CreateDirectory(settings.Out);
        new RunConfig<AnomalyTrainRecord>("anomaly train", settings.Seed, settings.Device.ToString().ToLowerInvariant(),
            new AnomalyTrainRecord(scans, masks, config, training, ValidationEvery, settings.MinVolumes, Deformation), Versions.Current).Write(settings.Out);

        var (train, validation) = LoadSlices(scans, masks, config.Preprocessing, settings.MinVolumes, settings.Seed, progress);
        progress.Info($"anomaly train: {train.Count} training and {validation.Count} validation slices from {scans.Count} scan(s)");
        using var model = Strega.Create(config, settings.Seed, device);
        var result = model.Fit(new SliceDataset(train, config.Height, config.Width, device, flip: true),
            new SliceDataset(validation, config.Height, config.Width, device), training, settings.Out, progress, settings.Resume);
        var modelFolder = Path.Combine(settings.Out, "model");
        model.Save(modelFolder, settings.Seed, result.Steps);
        output.WriteLine($"trained {result.Steps} steps, final loss {result.FinalLoss:G4}, best validation loss {result.BestValidationLoss:G4}; model: {modelFolder}");
        return CommandLine.Ok;
    }

    /// <summary>The deformations that stand in for more subjects when few scans are given.</summary>
    public static readonly DeformationOptions Deformation = new();

    /// <summary>
    /// Brain slices of every scan, and of seeded deformed copies until there are <paramref name="minVolumes"/> volumes,
    /// split into training and validation (every tenth slice of each volume).
    /// </summary>
    public static (List<float[]> Train, List<float[]> Validation) LoadSlices(IReadOnlyList<string> scans, IReadOnlyList<string>? masks,
        PreprocessingOptions options, int minVolumes, long seed, IProgressReporter progress)
    {
        var train = new List<float[]>();
        var validation = new List<float[]>();
        var copies = scans.Count >= minVolumes ? 0 : (int)Math.Ceiling((double)minVolumes / scans.Count) - 1;
        for (var s = 0; s < scans.Count; s++)
        {
            var scan = NiftiReader.Read(scans[s]);
            var brain = ScanList.BrainMaskFor(scan, scans[s], masks?[s]);
            for (var copy = 0; copy <= copies; copy++)
            {
                var (image, mask) = copy == 0 ? (scan, brain) : RandomDeformation.Apply(scan, brain, Deformation, Rng.For(seed, "deform", s * 1000L + copy));
                var volume = VolumePreprocessing.Run(image, mask, options);
                var kept = volume.BrainSlices().ToList();
                for (var k = 0; k < kept.Count; k++) (k % ValidationEvery == ValidationEvery / 2 ? validation : train).Add(volume.Slice(kept[k]));
            }
            progress.Info($"  {Path.GetFileName(scans[s])}: {copies} deformed copies added");
        }
        return (train, validation);
    }
}
