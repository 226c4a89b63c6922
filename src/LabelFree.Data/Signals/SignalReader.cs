using System.Globalization;
using LabelFree.Core.Errors;
using LabelFree.Data.Tables;

namespace LabelFree.Data.Signals;

/// <summary>How to read a signal table: the channels to keep, the time column, and the sampling rate.</summary>
/// <param name="Channels">Columns to read as channels (null: every column but the time column).</param>
/// <param name="TimeColumn">The time column in seconds (null: a column named t, time, timestamp, or starting t_ or time_, if any).</param>
/// <param name="SamplingRate">Samples per second; overrides what the time column implies.</param>
public sealed record SignalReadOptions(IReadOnlyList<string>? Channels = null, string? TimeColumn = null, double? SamplingRate = null)
{
    public SignalReadOptions Validate()
    {
        if (SamplingRate is { } hz && !(hz > 0 && double.IsFinite(hz))) throw new SettingException("sampling_rate", $"expected a positive number of samples per second, got {hz}");
        if (Channels is { Count: 0 }) throw new SettingException("channels", "expected one or more column names");
        return this;
    }
}

/// <summary>
/// Reads a signal from CSV or TSV (gzipped or not): a header row, then one row per sample with one column per channel
/// and an optional time column in seconds. Every channel value must be a finite number; the first bad row stops the
/// read with "file:line: reason". Without a given sampling rate, one is inferred from the time column (the median
/// step), when there is one.
/// </summary>
public static class SignalReader
{
    public static Signal Read(string path, SignalReadOptions? options = null)
    {
        options = (options ?? new SignalReadOptions()).Validate();
        using var table = DelimitedText.Open(path, "signal table");
        var timeColumn = options.TimeColumn is { } name ? table.Require(name, "the time of each sample, in seconds") : Array.FindIndex(table.Header, IsTimeName);
        var channelColumns = options.Channels is { } wanted
            ? wanted.Select(c => table.Require(c, "a channel to read")).ToArray()
            : Enumerable.Range(0, table.Header.Length).Where(i => i != timeColumn).ToArray();
        if (channelColumns.Length == 0) throw new UserInputException($"{path}: no channel columns (the only column is the time column '{table.Header[timeColumn]}')");
        if (channelColumns.Contains(timeColumn)) throw new SettingException("channels", $"'{table.Header[timeColumn]}' is the time column of {path}");

        var values = channelColumns.Select(_ => new List<float>()).ToArray();
        var time = timeColumn >= 0 ? new List<double>() : null;
        while (table.Next(out var fields))
        {
            for (var c = 0; c < channelColumns.Length; c++)
            {
                var text = fields[channelColumns[c]];
                if (!float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !float.IsFinite(v))
                    throw table.Error($"channel '{table.Header[channelColumns[c]]}': '{text}' is not a finite number");
                values[c].Add(v);
            }
            if (time is not null)
            {
                var text = fields[timeColumn];
                if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var t) || !double.IsFinite(t))
                    throw table.Error($"time column '{table.Header[timeColumn]}': '{text}' is not a number of seconds");
                if (time.Count > 0 && t <= time[^1]) throw table.Error($"time column '{table.Header[timeColumn]}': {text} does not increase");
                time.Add(t);
            }
        }
        if (values[0].Count < 2) throw new UserInputException($"{path}: expected at least 2 samples, got {values[0].Count}");
        var rate = options.SamplingRate ?? (time is null ? null : RateOf(time));
        return new Signal(path, channelColumns.Select(c => table.Header[c]).ToArray(), values.Select(v => v.ToArray()).ToArray(), rate, time?.ToArray());
    }

    /// <summary>Whether a column name reads as time: t, time, timestamp, or t_... / time_... (t_sec, time_s).</summary>
    public static bool IsTimeName(string name)
    {
        var n = name.ToLowerInvariant();
        return n is "t" or "time" or "timestamp" or "seconds" || n.StartsWith("t_", StringComparison.Ordinal) || n.StartsWith("time_", StringComparison.Ordinal);
    }

    private static double RateOf(List<double> time)
    {
        var steps = new double[time.Count - 1];
        for (var i = 0; i < steps.Length; i++) steps[i] = time[i + 1] - time[i];
        Array.Sort(steps);
        return 1.0 / steps[steps.Length / 2];
    }
}
