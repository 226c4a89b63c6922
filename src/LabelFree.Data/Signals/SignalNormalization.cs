using LabelFree.Core.Models;

namespace LabelFree.Data.Signals;

/// <summary>
/// Per-channel standardisation, (x - mean) / scale, fitted on training samples only (the reference's StandardScaler
/// on the training split: population standard deviation; a constant channel gets scale 1).
/// </summary>
public sealed record SignalNormalization(EquatableArray<double> Means, EquatableArray<double> Scales)
{
    public int Channels => Means.Length;

    public static SignalNormalization Fit(Signal training)
    {
        var means = new double[training.Values.Length];
        var scales = new double[training.Values.Length];
        for (var c = 0; c < means.Length; c++)
        {
            var values = training.Values[c];
            var mean = values.Average(v => (double)v);
            var variance = values.Average(v => (v - mean) * (v - mean));
            (means[c], scales[c]) = (mean, variance > 0 ? Math.Sqrt(variance) : 1);
        }
        return new SignalNormalization(means, scales);
    }

    /// <summary>The standardised channels of <paramref name="signal"/>, [channel][sample].</summary>
    public float[][] Apply(Signal signal)
    {
        if (signal.Values.Length != Channels)
            throw new Core.Errors.UserInputException($"{signal.Source}: {signal.Values.Length} channels, but the model was trained on {Channels}");
        return signal.Values.Select((values, c) => values.Select(v => (float)((v - Means[c]) / Scales[c])).ToArray()).ToArray();
    }
}
