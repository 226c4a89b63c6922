using LabelFree.Core.Errors;
using LabelFree.Core.IO;
using LabelFree.Core.Progress;
using LabelFree.Core.Training;
using LabelFree.Learning.Methods.AnomalyTransformer;
using LabelFree.Learning.Methods.Maat;
using LabelFree.Reports.Figures;
using LabelFree.Workflows.Runs;

namespace LabelFree.Workflows.Signals;

/// <summary>The two signal methods.</summary>
public enum SignalMethod
{
    AnomalyTransformer,
    Maat,
}

/// <summary>A signal model's size: the small default for 2 CPU cores (width 64, 4 heads, 3 layers) or the published one (width 512, 8 heads, 3 layers).</summary>
public enum SignalModelSize
{
    Small,
    Paper,
}

/// <summary>
/// What a signal detector trains on and how: the signal (assumed normal), the part of it to use (fractions of its
/// samples), the share of that part's end held out as normal validation samples (early stopping and thresholds), the
/// method, size and window, the stride of the training windows, and the anomaly ratio: the percentage of held-out
/// normal samples each detector's threshold flags (the reference's <c>anormly_ratio</c>, 1 for most of its datasets).
/// </summary>
public sealed record SignalTrainSettings(SignalSource Input, TrainerOptions Training, SignalMethod Method = SignalMethod.AnomalyTransformer,
    SignalModelSize Size = SignalModelSize.Small, int Window = 100, double From = 0, double Until = 1, double Validation = 0.2, double AnomalyRatio = 1,
    int Stride = 1)
{
    public SignalTrainSettings Validate()
    {
        Training.Validate();
        if (Window < 2) throw new SettingException("window", $"expected at least 2 samples, got {Window}");
        if (Stride < 1) throw new SettingException("stride", $"expected a positive number of samples, got {Stride}");
        if (!(Validation > 0 && Validation <= 0.5)) throw new SettingException("validation", $"expected a fraction in (0, 0.5], got {Validation}");
        if (!(AnomalyRatio > 0 && AnomalyRatio < 50)) throw new SettingException("anomaly_ratio", $"expected a percentage in (0, 50), got {AnomalyRatio}");
        return this;
    }
}

/// <summary>What a signals training run records in its config.json.</summary>
public sealed record SignalTrainRecord(SignalTrainSettings Settings, object Model, int TrainStart, int TrainEnd, int ValidationEnd);

/// <summary>What a signals training run reports.</summary>
public sealed record SignalTrainSummary(string Method, long Steps, double FinalLoss, double? BestValidationLoss, int TrainSamples, int ValidationSamples,
    double WindowsPerSecond, IReadOnlyList<DetectorThreshold> Thresholds, string ModelFolder);

/// <summary>
/// The training protocol of the Anomaly Transformer and MAAT, shared by <c>signals train</c> and the demo: the chosen
/// part of the signal split in time into training samples and, after them, held-out normal validation samples; the
/// normalisation fitted on the training samples only; the method trained on stride-<c>Stride</c> windows of the
/// training samples with early stopping on the validation windows; then the method and both baselines
/// (<see cref="SignalDetectors"/>) score the validation samples and each threshold is set so that the anomaly ratio
/// of them is flagged. No label is read: thresholds come from normal data the model did not train on (the reference
/// sets them on its training and test scores together).
/// </summary>
public static class SignalTraining
{
    public static SignalTrainSummary Run(SignalTrainSettings settings, RunSettings run, bool resume, IProgressReporter progress, string command = "signals train")
    {
        settings = settings.Validate();
        var signal = settings.Input.Read();
        var (start, end, part) = signal.Part(settings.From, settings.Until);
        var trainEnd = start + (int)Math.Round((1 - settings.Validation) * part.Length);
        if (trainEnd - start < 2 * settings.Window || end - trainEnd < settings.Window)
            throw new UserInputException($"{signal.Source}: samples [{start}, {end}) leave {trainEnd - start} to train on and {end - trainEnd} to validate on; " +
                                         $"both need at least {2 * settings.Window} and {settings.Window} (window {settings.Window})");
        var (training, validation) = (signal.Slice(start, trainEnd), signal.Slice(trainEnd, end));
        var input = SignalInput.FittedOn(training);
        var encoder = (settings.Size == SignalModelSize.Paper ? AnomalyTransformerConfig.Paper(input) : new AnomalyTransformerConfig { Input = input }) with { Window = settings.Window };
        object config = settings.Method == SignalMethod.Maat ? new MaatConfig { Encoder = encoder with { CausalAttention = true } }.Validate() : encoder.Validate();
        var device = run.StartTorch();
        RunFolder.Start(run.Out, command, run.Seed, run.DeviceName, new SignalTrainRecord(settings, config, start, trainEnd, end));

        using ISignalAnomalyModel model = config is MaatConfig maat ? Maat.Create(maat, run.Seed, device) : AnomalyTransformer.Create(encoder, run.Seed, device);
        progress.Info($"{model.Method} ({settings.Size.ToString().ToLowerInvariant()}: width {encoder.Hidden}, {encoder.Layers} layers, {encoder.Heads} heads, window {encoder.Window}): " +
                      $"{training.Length:N0} training and {validation.Length:N0} validation samples of {signal.Channels.Count} channel(s)");
        var result = model.Fit(training, validation, new TrainingRun(settings.Training, run.Out, progress, resume), settings.Stride);
        var modelFolder = Path.Combine(run.Out, "model");
        model.Save(modelFolder, run.Seed, result.Steps);

        var file = new SignalDetectorFile(model.Method, settings.Input with { Path = Path.GetFullPath(settings.Input.Path) }, start, trainEnd, end, settings.AnomalyRatio, MedianWidth: settings.Window,
            DiscordTrainingStride: Math.Max(1, (int)Math.Ceiling(training.Length / 5000.0)), DiscordScoringStride: Math.Max(1, settings.Window / 20), Thresholds: []);
        var detectors = SignalDetectors.For(model, file, training);
        var thresholds = detectors.Score(validation).Select(d => new DetectorThreshold(d.Detector, SignalDetectors.Percentile(d.Scores, settings.AnomalyRatio))).ToList();
        Json.Write(Path.Combine(run.Out, SignalDetectorFile.FileName), file with { Thresholds = thresholds });

        LossCurve.Save(run.Out, Path.Combine(run.Out, "figures", "loss.png"), $"{model.Method}: minimax loss (2 x reconstruction MSE)", validationLabel: "held-out normal samples");
        var speed = MetricsLog.Read(Path.Combine(run.Out, MetricsLog.FileName)).LastOrDefault(l => l.Phase == "train")?.StepsPerSecond ?? double.NaN;
        var summary = new SignalTrainSummary(model.Method, result.Steps, result.FinalLoss, result.BestValidationLoss, training.Length, validation.Length,
            speed * settings.Training.BatchSize, thresholds, modelFolder);
        Json.Write(Path.Combine(run.Out, "summary.json"), summary);
        return summary;
    }
}
