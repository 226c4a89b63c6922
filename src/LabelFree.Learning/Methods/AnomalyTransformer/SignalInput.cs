using LabelFree.Core.Errors;
using LabelFree.Core.Models;
using LabelFree.Data.Signals;

namespace LabelFree.Learning.Methods.AnomalyTransformer;

/// <summary>
/// What a signal model was trained on: the channel names (in order), their normalisation fitted on the training
/// samples, and the sampling rate (null when unknown). Scoring checks a new signal against it and normalises it the same way.
/// </summary>
public sealed record SignalInput(EquatableArray<string> Channels, SignalNormalization Normalization, double? SamplingRate = null)
{
    /// <summary>One channel named x, left as it is (for tests and synthetic data).</summary>
    public static SignalInput Identity(int channels = 1) => new(
        Enumerable.Range(0, channels).Select(c => channels == 1 ? "x" : $"x{c}").ToArray(),
        new SignalNormalization(Enumerable.Repeat(0.0, channels).ToArray(), Enumerable.Repeat(1.0, channels).ToArray()));

    /// <summary>The channels and rate of <paramref name="training"/>, normalised by its own means and standard deviations.</summary>
    public static SignalInput FittedOn(Signal training) => new(training.Channels.ToArray(), SignalNormalization.Fit(training), training.SamplingRate);

    public int Count => Channels.Length;

    public SignalInput Validate()
    {
        if (Channels.Length < 1) throw new SettingException("channels", "expected one or more channels");
        if (Normalization.Channels != Channels.Length || Normalization.Scales.Length != Channels.Length)
            throw new UserInputException($"signal input: {Channels.Length} channels but a normalisation of {Normalization.Channels}");
        if (Normalization.Scales.Any(s => !(s > 0)) || Normalization.Means.Any(m => !double.IsFinite(m)))
            throw new UserInputException("signal input: normalisation scales must be positive and means finite");
        return this;
    }

    /// <summary>The channels of <paramref name="signal"/> normalised, [channel][sample]; a signal with other channels is the user's mistake.</summary>
    public float[][] Normalize(Signal signal)
    {
        if (!signal.Channels.SequenceEqual(Channels))
            throw new UserInputException($"{signal.Source}: channels {string.Join(", ", signal.Channels)}, but the model was trained on {string.Join(", ", Channels)}");
        return Normalization.Apply(signal);
    }
}
