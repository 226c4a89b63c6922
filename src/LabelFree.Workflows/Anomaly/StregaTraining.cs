using LabelFree.Core.Progress;
using LabelFree.Core.Randomness;
using LabelFree.Core.Training;
using LabelFree.Data.Imaging;
using LabelFree.Learning.Methods.Strega;
using LabelFree.Reports.Figures;
using LabelFree.Workflows.Imaging;
using LabelFree.Workflows.Runs;

namespace LabelFree.Workflows.Anomaly;

/// <summary>What StRegA trains on and how: healthy scans (with brain masks, or skull-stripped), the model and the training.</summary>
/// <param name="MinVolumes">With fewer scans, seeded deformed copies are added until there are this many training volumes.</param>
public sealed record StregaTrainSettings(IReadOnlyList<string> Scans, IReadOnlyList<string>? Masks, StregaConfig Model, TrainerOptions Training, int MinVolumes = 8);

/// <summary>What a StRegA run records in its config.json.</summary>
public sealed record StregaTrainRecord(IReadOnlyList<string> Scans, IReadOnlyList<string>? Masks, StregaConfig Model, TrainerOptions Training,
    int ValidationEvery, int MinVolumes, DeformationOptions Deformation);

/// <summary>A finished StRegA run: the trained model (the caller disposes it), where it was saved, and what it trained on.</summary>
public sealed record StregaTrainResult(Strega Model, TrainingResult Training, string ModelFolder, int TrainSlices, int ValidationSlices);

/// <summary>
/// StRegA's training protocol, shared by <c>anomaly train</c> and the demo: axial brain slices of every scan (and of
/// seeded deformed copies standing in for more subjects), every tenth slice held out for validation, the
/// context-encoding VAE trained through the Trainer, the model saved to RUN/model and the loss curve to RUN/figures.
/// </summary>
public static class StregaTraining
{
    /// <summary>Every this-many-th training slice is held out for validation (and early stopping).</summary>
    public const int ValidationEvery = 10;

    /// <summary>The deformations that stand in for more subjects when few scans are given.</summary>
    public static readonly DeformationOptions Deformation = new();

    public static StregaTrainResult Run(StregaTrainSettings settings, RunSettings run, bool resume, IProgressReporter progress, string command = "anomaly train")
    {
        if (settings.MinVolumes < 1) throw new Core.Errors.SettingException("min_volumes", $"expected a positive number, got {settings.MinVolumes}");
        var device = run.StartTorch();
        var config = settings.Model.Validate();
        var training = settings.Training.Validate();
        var (train, validation) = LoadSlices(settings.Scans, settings.Masks, config.Preprocessing, settings.MinVolumes, run.Seed, progress);
        RunFolder.Start(run.Out, command, run.Seed, run.DeviceName,
            new StregaTrainRecord(settings.Scans, settings.Masks, config, training, ValidationEvery, settings.MinVolumes, Deformation));
        progress.Info($"StRegA: {train.Count} training and {validation.Count} validation slices from {settings.Scans.Count} scan(s)");
        var model = Strega.Create(config, run.Seed, device);
        try
        {
            var result = model.Fit(new SliceDataset(train, config.Height, config.Width, device, flip: true),
                new SliceDataset(validation, config.Height, config.Width, device), new TrainingRun(training, run.Out, progress, resume));
            var modelFolder = Path.Combine(run.Out, "model");
            model.Save(modelFolder, run.Seed, result.Steps);
            LossCurve.Save(run.Out, Path.Combine(run.Out, "figures", "loss_curve.png"), "StRegA: loss", validationLabel: "held-out slices", logY: true);
            return new StregaTrainResult(model, result, modelFolder, train.Count, validation.Count);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

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
            var scan = NiftiReader.ReadVolume(scans[s]);
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
