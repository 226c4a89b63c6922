using LabelFree.Core.Randomness;
using LabelFree.Core.Training;
using LabelFree.Data.Signals;
using static TorchSharp.torch;

namespace LabelFree.Learning.Methods.AnomalyTransformer;

/// <summary>A batch of windows of a normalised signal, (B, L, C) float32.</summary>
public sealed record SignalWindowBatch(Tensor Values);

/// <summary>Windows of <paramref name="window"/> samples of standardised channels ([channel][sample]) starting at <paramref name="starts"/>.</summary>
public sealed class SignalWindowBatches(float[][] channels, int window, IReadOnlyList<int> starts, Device device) : IBatchSource<SignalWindowBatch>
{
    private readonly float[] _timeMajor = TimeMajor(channels);
    private readonly int _channels = channels.Length;

    /// <summary>Every window with the given stride (the reference trains on stride 1).</summary>
    public static SignalWindowBatches Sliding(float[][] channels, int window, int stride, Device device) =>
        new(channels, window, SignalWindows.Starts(channels[0].Length, window, stride), device);

    public int Count => starts.Count;

    public IReadOnlyList<int> Starts => starts;

    public SignalWindowBatch Load(ReadOnlySpan<int> indices, Rng rng)
    {
        var width = window * _channels;
        var values = new float[indices.Length * width];
        for (var b = 0; b < indices.Length; b++) Array.Copy(_timeMajor, starts[indices[b]] * _channels, values, b * width, width);
        return new SignalWindowBatch(tensor(values, [indices.Length, window, _channels]).to(device));
    }

    private static float[] TimeMajor(float[][] channels)
    {
        var (c, n) = (channels.Length, channels[0].Length);
        var values = new float[n * c];
        for (var t = 0; t < n; t++)
            for (var k = 0; k < c; k++) values[t * c + k] = channels[k][t];
        return values;
    }
}
