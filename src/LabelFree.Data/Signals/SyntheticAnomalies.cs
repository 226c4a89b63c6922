using System.Text.Json.Serialization;
using LabelFree.Core.Errors;
using LabelFree.Core.Randomness;

namespace LabelFree.Data.Signals;

/// <summary>The kinds of synthetic anomaly (after the taxonomy of Lai et al., NeurIPS 2021 benchmarks, and Wu and Keogh 2021).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AnomalyKind>))]
public enum AnomalyKind
{
    /// <summary>1-3 samples beyond the channel's whole range: max (or min) plus 0.5-1 times the range.</summary>
    GlobalSpike,

    /// <summary>1-3 samples inside the channel's range but 3-5 local standard deviations from the local mean (±1 scale around them).</summary>
    ContextualSpike,

    /// <summary>A stretch of 0.5-2 scales shifted by 1-2 channel standard deviations.</summary>
    LevelShift,

    /// <summary>A stretch of 1-2 scales replaced by the signal that follows it played 1.6-2.5 times faster (linear interpolation).</summary>
    FrequencyChange,

    /// <summary>A stretch of 0.25-0.5 scales, centred on the most prominent sample near it (a beat in an ECG), widened 1.8-2.5 times about its centre.</summary>
    Shape,

    /// <summary>A stretch of 1-3 scales with a linear ramp added, from 0 to 1.5-3 channel standard deviations, then back.</summary>
    Trend,
}

/// <summary>How many anomalies to inject, of which kinds, and the length scale in samples (the detector's window).</summary>
public sealed record InjectionOptions
{
    public int Count { get; init; } = 18;
    public IReadOnlyList<AnomalyKind> Kinds { get; init; } = Enum.GetValues<AnomalyKind>();
    public int Scale { get; init; } = 100;

    public InjectionOptions Validate()
    {
        if (Count < 1) throw new SettingException("count", $"expected one or more anomalies, got {Count}");
        if (Kinds.Count == 0) throw new SettingException("kinds", "expected one or more kinds of anomaly");
        if (Scale < 4) throw new SettingException("scale", $"expected a length scale of at least 4 samples, got {Scale}");
        return this;
    }
}

/// <summary>A signal with injected anomalies: its per-sample labels and each anomaly's stretch, kind and channel.</summary>
public sealed record InjectedSignal(Signal Signal, bool[] Labels, IReadOnlyList<SignalInterval> Anomalies);

/// <summary>
/// Seeded synthetic anomalies with exact labels, for signals that come without annotations. Kinds take turns (in a
/// shuffled order), each anomaly in one channel drawn at random; stretches keep at least one scale from each other and
/// from the ends. Every amplitude is relative to the clean channel's own statistics, so the same options suit ECG in
/// mV, EEG in raw units and heart rate in bpm. The same signal, options and seed give the same result.
/// </summary>
public static class SyntheticAnomalies
{
    public static InjectedSignal Inject(Signal clean, InjectionOptions options, Rng rng)
    {
        options = options.Validate();
        var n = clean.Length;
        var scale = options.Scale;
        var values = clean.Values.Select(v => (float[])v.Clone()).ToArray();
        var stats = clean.Values.Select(ChannelStats.Of).ToArray();
        var kinds = Enumerable.Range(0, options.Count).Select(i => options.Kinds[i % options.Kinds.Count]).ToArray();
        rng.Shuffle(kinds.AsSpan());
        var placed = new List<SignalInterval>();
        foreach (var kind in kinds)
        {
            var channel = rng.NextInt(values.Length);
            var length = kind switch
            {
                AnomalyKind.GlobalSpike or AnomalyKind.ContextualSpike => rng.NextInt(1, 4),
                AnomalyKind.LevelShift => rng.NextInt(scale / 2, 2 * scale + 1),
                AnomalyKind.FrequencyChange => rng.NextInt(scale, 2 * scale + 1),
                AnomalyKind.Shape => rng.NextInt(scale / 4, scale / 2 + 1),
                _ => rng.NextInt(scale, 3 * scale + 1),
            };
            var start = Place(n, length, scale, placed, rng)
                ?? throw new SettingException("count", $"{options.Count} anomalies with length scale {scale} do not fit apart in {n} samples; inject fewer or use a longer part");
            if (kind == AnomalyKind.Shape) start = CentreOnPeak(values[channel], start, length, scale, placed);
            Apply(kind, values[channel], start, length, stats[channel], scale, rng);
            placed.Add(new SignalInterval(start, start + length, kind.ToString(), clean.Channels[channel]));
        }
        var labels = new bool[n];
        foreach (var interval in placed) Array.Fill(labels, true, interval.Start, interval.Length);
        return new InjectedSignal(clean with { Values = values }, labels, placed.OrderBy(p => p.Start).ToList());
    }

    private sealed record ChannelStats(double Mean, double Sd, float Min, float Max)
    {
        public static ChannelStats Of(float[] v)
        {
            var mean = v.Average(x => (double)x);
            var sd = Math.Sqrt(v.Average(x => (x - mean) * (x - mean)));
            return new ChannelStats(mean, sd > 0 ? sd : 1, v.Min(), v.Max());
        }

        public double Range => Math.Max(Max - Min, 1e-6);
    }

    /// <summary>A start for a stretch of <paramref name="length"/> at least one scale from the ends and from every placed stretch, or null.</summary>
    private static int? Place(int n, int length, int scale, List<SignalInterval> placed, Rng rng)
    {
        var (low, high) = (scale, n - 3 * scale - length);  // room after it for a faster replay (frequency change)
        if (high <= low) return null;
        for (var attempt = 0; attempt < 1000; attempt++)
        {
            var start = rng.NextInt(low, high);
            if (placed.All(p => start + length + scale <= p.Start || p.End + scale <= start)) return start;
        }
        return null;
    }

    /// <summary>Moves a stretch to centre on the sample farthest from the median within one scale of it, if it stays clear of the placed ones.</summary>
    private static int CentreOnPeak(float[] x, int start, int length, int scale, List<SignalInterval> placed)
    {
        var (from, to) = (Math.Max(0, start - scale / 2), Math.Min(x.Length, start + length + scale / 2));
        var median = x[from..to].Order().ElementAt((to - from) / 2);
        var peak = Enumerable.Range(from, to - from).MaxBy(i => Math.Abs(x[i] - median));
        var moved = Math.Clamp(peak - length / 2, scale, x.Length - 3 * scale - length);
        return placed.All(p => moved + length + scale <= p.Start || p.End + scale <= moved) ? moved : start;
    }

    private static void Apply(AnomalyKind kind, float[] x, int start, int length, ChannelStats s, int scale, Rng rng)
    {
        var sign = rng.NextDouble() < 0.5 ? -1 : 1;
        var end = start + length;
        switch (kind)
        {
            case AnomalyKind.GlobalSpike:
            {
                var value = (sign > 0 ? s.Max : s.Min) + sign * rng.Uniform(0.5, 1) * s.Range;
                for (var t = start; t < end; t++) x[t] = (float)value;
                break;
            }
            case AnomalyKind.ContextualSpike:
            {
                var (from, to) = (Math.Max(0, start - scale), Math.Min(x.Length, end + scale));
                var local = x[from..to];
                var mean = local.Average(v => (double)v);
                var sd = Math.Sqrt(local.Average(v => (v - mean) * (v - mean)));
                var value = mean + sign * Math.Max(rng.Uniform(3, 5) * sd, 0.25 * s.Sd);
                value = Math.Clamp(value, s.Min + 0.05 * s.Range, s.Max - 0.05 * s.Range);
                for (var t = start; t < end; t++) x[t] = (float)value;
                break;
            }
            case AnomalyKind.LevelShift:
            {
                var shift = sign * rng.Uniform(1, 2) * s.Sd;
                for (var t = start; t < end; t++) x[t] += (float)shift;
                break;
            }
            case AnomalyKind.FrequencyChange:
            {
                var rate = rng.Uniform(1.6, 2.5);
                var source = x[start..Math.Min(x.Length, start + (int)Math.Ceiling(rate * length) + 2)];
                for (var t = 0; t < length; t++) x[start + t] = Interpolate(source, rate * t);
                break;
            }
            case AnomalyKind.Shape:
            {
                var factor = rng.Uniform(1.8, 2.5);
                var source = x[start..end];
                var centre = (length - 1) / 2.0;
                for (var t = 0; t < length; t++) x[start + t] = Interpolate(source, centre + (t - centre) / factor);
                break;
            }
            case AnomalyKind.Trend:
            {
                var top = sign * rng.Uniform(1.5, 3) * s.Sd;
                for (var t = start; t < end; t++) x[t] += (float)(top * (t - start + 1) / length);
                break;
            }
        }
    }

    private static float Interpolate(float[] x, double position)
    {
        position = Math.Clamp(position, 0, x.Length - 1);
        var i = (int)Math.Floor(position);
        var j = Math.Min(i + 1, x.Length - 1);
        var f = position - i;
        return (float)((1 - f) * x[i] + f * x[j]);
    }
}
