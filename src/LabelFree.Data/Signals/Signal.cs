using LabelFree.Core.Errors;

namespace LabelFree.Data.Signals;

/// <summary>
/// A multichannel time series: <see cref="Values"/>[channel][sample], the channel names, the sampling rate in Hz
/// (null when neither the file nor the user gave one: positions are then in samples) and the time of each sample when
/// the file had a time column.
/// </summary>
public sealed record Signal(string Source, IReadOnlyList<string> Channels, float[][] Values, double? SamplingRate, double[]? Time = null)
{
    public int Length => Values.Length == 0 ? 0 : Values[0].Length;

    /// <summary>Samples [<paramref name="start"/>, <paramref name="end"/>) of every channel (and of the time column).</summary>
    public Signal Slice(int start, int end)
    {
        if (start < 0 || end > Length || start > end) throw new ArgumentOutOfRangeException(nameof(start), $"slice [{start}, {end}) of a signal of {Length} samples");
        return this with { Values = Values.Select(v => v[start..end]).ToArray(), Time = Time?[start..end] };
    }

    /// <summary>
    /// The part between fractions <paramref name="from"/> and <paramref name="until"/> of the samples (0 and 1 for all;
    /// 0 and 0.6 for the first 60%), as the sample range and the slice. Bad fractions are reported under
    /// <paramref name="fromSetting"/> and <paramref name="untilSetting"/>.
    /// </summary>
    public (int Start, int End, Signal Part) Part(double from, double until, string fromSetting = "from", string untilSetting = "until")
    {
        if (from is < 0 or >= 1 || !double.IsFinite(from)) throw new SettingException(fromSetting, $"expected a fraction in [0, 1), got {from}");
        if (!(until > from && until <= 1)) throw new SettingException(untilSetting, $"expected a fraction in ({from}, 1], got {until}");
        var (start, end) = ((int)Math.Round(from * Length), (int)Math.Round(until * Length));
        return (start, end, Slice(start, end));
    }

    /// <summary>Seconds from the first sample (or sample numbers without a sampling rate), for figures.</summary>
    public double[] Seconds() => Enumerable.Range(0, Length).Select(i => SamplingRate is { } hz ? i / hz : i).ToArray();
}
