using LabelFree.Core.Progress;
using LabelFree.Core.Training;
using LabelFree.Data.Imaging;
using LabelFree.Data.Tiles;
using LabelFree.Learning.Methods.Scad;
using LabelFree.Learning.Methods.Simclr;
using LabelFree.Reports.Figures;
using LabelFree.Workflows.Runs;

namespace LabelFree.Workflows.Anomaly;

/// <summary>What SCAD trains on and how: healthy scans, the model, its teacher's SimCLR pre-training steps and SCAD's own training.</summary>
/// <param name="TeacherSteps">SimCLR steps that pre-train the teacher on the training slices (standing in for ImageNet weights).</param>
public sealed record ScadTrainSettings(IReadOnlyList<string> Scans, IReadOnlyList<string>? Masks, ScadConfig Model, TrainerOptions Training, long TeacherSteps = 200,
    int MinVolumes = 8);

/// <summary>A finished SCAD run: the trained model (the caller disposes it) and where it was saved.</summary>
public sealed record ScadTrainResult(Scad Model, TrainingResult Training, string ModelFolder);

/// <summary>
/// SCAD's training protocol, shared by <c>anomaly train --method scad</c> and the benchmark: the same slices as StRegA's
/// (<see cref="StregaTraining.LoadSlices"/>, intensities), the teacher pre-trained by SimCLR (MRI views) on the training
/// slices into RUN/teacher, its weights frozen into SCAD, then the student and bottleneck trained through the Trainer;
/// the model saved to RUN/model and the loss curve to RUN/figures.
/// </summary>
public static class ScadTraining
{
    public static ScadTrainResult Run(ScadTrainSettings settings, RunSettings run, bool resume, IProgressReporter progress, string command = "anomaly train")
    {
        if (settings.TeacherSteps < 1) throw new Core.Errors.SettingException("teacher_steps", $"expected a positive number, got {settings.TeacherSteps}");
        var device = run.StartTorch();
        var config = settings.Model.Validate();
        var training = settings.Training.Validate();
        var (train, validation) = StregaTraining.LoadSlices(settings.Scans, settings.Masks, config.Preprocessing, settings.MinVolumes, run.Seed, progress);
        RunFolder.Start(run.Out, command, run.Seed, run.DeviceName, settings);
        progress.Info($"SCAD: {train.Count} training and {validation.Count} validation slices; teacher pre-training (SimCLR, {settings.TeacherSteps} steps)");

        var model = Scad.Create(config, run.Seed, device);
        try
        {
            using (var teacher = Simclr.Create(new SimclrConfig { Encoder = config.Teacher, Mri = true }, run.Seed, device))
            {
                var tiles = train.Select((pixels, i) => new TileImage($"slice{i}", 1, config.Height, config.Width, pixels)).ToList();
                teacher.Fit(tiles, new TrainingRun(Simclr.DefaultTraining(settings.TeacherSteps, run.Seed, batchSize: 64), Path.Combine(run.Out, "teacher"), progress, resume));
                model.SetTeacher(((SimclrNet)teacher.Network).Encoder);
            }
            var result = model.Fit(new SliceDataset(train, config.Height, config.Width, device, flip: true),
                new SliceDataset(validation, config.Height, config.Width, device), new TrainingRun(training, run.Out, progress, resume));
            var modelFolder = Path.Combine(run.Out, "model");
            model.Save(modelFolder, run.Seed, result.Steps);
            LossCurve.Save(run.Out, Path.Combine(run.Out, "figures", "loss_curve.png"), "SCAD: clean / noisy feature distance", validationLabel: "held-out slices");
            return new ScadTrainResult(model, result, modelFolder);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }
}

/// <summary>SCAD in the benchmark: its feature-distance map (never negative, so one- and two-signed alike) brought onto the shared grid.</summary>
public sealed class ScadScorer(Scad model) : IAnomalyScorer
{
    public string Name => "SCAD";

    public float[] Map(BenchmarkScan scan)
    {
        var volume = model.Prepare(scan.Image, scan.Brain);
        return StregaScorer.OnGrid(model.Map(volume), volume, scan.Volume);
    }
}
