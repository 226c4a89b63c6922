using LabelFree.Analysis.Signals;
using LabelFree.Core.Errors;
using LabelFree.Core.IO;
using LabelFree.Data.Signals;
using LabelFree.Learning.Methods.AnomalyTransformer;
using static TorchSharp.torch;

namespace LabelFree.Workflows.Signals;

/// <summary>Where a signal came from and how it is read: the file, the channels (null: every column but time) and a sampling rate that overrides the file's.</summary>
public sealed record SignalSource(string Path, IReadOnlyList<string>? Channels = null, double? SamplingRate = null)
{
    public Signal Read()
    {
        if (!File.Exists(Path)) throw new UserInputException($"{Path}: no such signal file");
        return SignalReader.Read(Path, new SignalReadOptions(Channels, null, SamplingRate));
    }
}

/// <summary>A detector's threshold: its scores above it are detections.</summary>
public sealed record DetectorThreshold(string Detector, double Threshold);

/// <summary>
/// What <c>signals train</c> leaves beside the model (RUN/detector.json), so that detection and evaluation rebuild
/// the same three detectors: the training signal's source and the samples trained on [TrainStart, TrainEnd), the
/// held-out normal samples [TrainEnd, ValidationEnd) the thresholds were set on, the share of those samples each
/// threshold flags (the reference's anomaly ratio, in percent), and the baselines' settings.
/// </summary>
public sealed record SignalDetectorFile(string Method, SignalSource Training, int TrainStart, int TrainEnd, int ValidationEnd, double AnomalyRatio,
    int MedianWidth, int DiscordTrainingStride, int DiscordScoringStride, IReadOnlyList<DetectorThreshold> Thresholds)
{
    public const string FileName = "detector.json";
}

/// <summary>One detector's score for every sample of a signal, with its threshold.</summary>
public sealed record DetectorScores(string Detector, float[] Scores, double Threshold);

/// <summary>
/// The method and its two baselines, fitted on the same training samples: the moving-median residual (Wu and Keogh
/// 2021) and the nearest-training-window distance (a discord score). All three score standardised channels with the
/// normalisation fitted on the training samples.
/// </summary>
public sealed class SignalDetectors : IDisposable
{
    public const string MovingMedian = "moving-median";
    public const string NearestWindow = "nearest-window";

    private readonly NearestWindowDistance _discord;

    private SignalDetectors(ISignalAnomalyModel model, SignalDetectorFile file, NearestWindowDistance discord) =>
        (Model, File, _discord) = (model, file, discord);

    public ISignalAnomalyModel Model { get; }

    public SignalDetectorFile File { get; }

    /// <summary>The detectors for a model just trained on <paramref name="trainingPart"/> (thresholds not yet set).</summary>
    public static SignalDetectors For(ISignalAnomalyModel model, SignalDetectorFile file, Signal trainingPart) =>
        new(model, file, new NearestWindowDistance(model.Input.Normalize(trainingPart), model.Window, file.DiscordTrainingStride, file.DiscordScoringStride));

    /// <summary>Loads RUN/model and RUN/detector.json and re-reads the training samples for the discord baseline.</summary>
    public static SignalDetectors Load(string run, Device device)
    {
        var path = Path.Combine(run, SignalDetectorFile.FileName);
        if (!System.IO.File.Exists(path)) throw new UserInputException($"{run}: not a signals run folder (no {SignalDetectorFile.FileName}; train one with signals train)");
        var file = Json.Read<SignalDetectorFile>(path);
        var training = file.Training.Read();
        if (training.Length < file.ValidationEnd)
            throw new UserInputException($"{file.Training.Path}: {training.Length} samples, but the model was trained on samples up to {file.ValidationEnd}; has the file changed?");
        var model = SignalAnomalyModels.Load(Path.Combine(run, "model"), device);
        return For(model, file, training.Slice(file.TrainStart, file.TrainEnd));
    }

    /// <summary>Reads a signal to score with the channels and sampling rate the model was trained on.</summary>
    public Signal Read(string path) => new SignalSource(path, Model.Input.Channels.ToArray(), File.Training.SamplingRate).Read();

    /// <summary>The method's and both baselines' scores of every sample, in that order, with the thresholds of <see cref="File"/> (NaN before they are set).</summary>
    public IReadOnlyList<DetectorScores> Score(Signal signal)
    {
        if (signal.Length < Model.Window) throw new UserInputException($"{signal.Source}: {signal.Length} samples, fewer than the model's window of {Model.Window}");
        var standardised = Model.Input.Normalize(signal);
        double Threshold(string name) => File.Thresholds.FirstOrDefault(t => t.Detector == name)?.Threshold ?? double.NaN;
        return
        [
            new DetectorScores(Model.Method, Model.Score(signal), Threshold(Model.Method)),
            new DetectorScores(MovingMedian, MovingMedianResidual.Score(standardised, File.MedianWidth), Threshold(MovingMedian)),
            new DetectorScores(NearestWindow, _discord.Score(standardised), Threshold(NearestWindow)),
        ];
    }

    /// <summary>The score above which <paramref name="ratio"/> percent of <paramref name="scores"/> lie (numpy's percentile at 100 - ratio, linear).</summary>
    public static double Percentile(IReadOnlyList<float> scores, double ratio)
    {
        var sorted = scores.Order().ToArray();
        var position = (1 - ratio / 100) * (sorted.Length - 1);
        var (i, f) = ((int)Math.Floor(position), position - Math.Floor(position));
        return i + 1 < sorted.Length ? sorted[i] + f * (sorted[i + 1] - sorted[i]) : sorted[i];
    }

    public void Dispose() => Model.Dispose();
}
