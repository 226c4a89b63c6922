using LabelFree.Core.Errors;
using LabelFree.Core.Models;
using LabelFree.Core.Training;
using LabelFree.Data.Signals;
using static TorchSharp.torch;

namespace LabelFree.Learning.Methods.AnomalyTransformer;

/// <summary>A trained per-sample anomaly scorer of signals (the Anomaly Transformer or MAAT), as workflows that handle either see it.</summary>
public interface ISignalAnomalyModel : IMethodModel
{
    /// <summary>The window the model reads, in samples.</summary>
    int Window { get; }

    /// <summary>The channels, normalisation and sampling rate the model was trained on.</summary>
    SignalInput Input { get; }

    TrainingResult Fit(Signal training, Signal? validation, TrainingRun run, int stride = 1);

    /// <summary>One anomaly score per sample, in order (higher is more anomalous).</summary>
    float[] Score(Signal signal);
}

/// <summary>Loads either signal method from its model folder, by the method its meta.json names.</summary>
public static class SignalAnomalyModels
{
    public static ISignalAnomalyModel Load(string folder, Device device) => ModelFolder.ReadMeta(folder).Method switch
    {
        "anomaly-transformer" => AnomalyTransformer.Load(folder, device),
        "maat" => Maat.Maat.Load(folder, device),
        var other => throw new UserInputException($"{folder}: a {other} model, not a signal anomaly model (anomaly-transformer or maat)"),
    };
}
