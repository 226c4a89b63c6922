using System.Globalization;
using System.Text;
using LabelFree.Core.Errors;
using LabelFree.Core.IO;
using LabelFree.Data.Tables;

namespace LabelFree.Data.Signals;

/// <summary>An anomalous stretch of samples [Start, End), zero-based, with what made it when it was injected.</summary>
public sealed record SignalInterval(int Start, int End, string? Kind = null, string? Channel = null)
{
    public int Length => End - Start;
}

/// <summary>A signal's labels: one per sample, and the labelled stretches (with their kind and channel when the file gave them).</summary>
public sealed record SignalLabelSet(bool[] PerSample, IReadOnlyList<SignalInterval> Intervals);

/// <summary>
/// Anomaly labels of a signal, one per sample. Read from either of two layouts (CSV or TSV, gzipped or not): intervals,
/// a table with columns <c>start</c> and <c>end</c> (zero-based sample indices, end exclusive; other columns such as
/// <c>kind</c> and <c>channel</c> are kept with each interval), or per-sample labels, one 0/1 row per sample in a column named <c>label</c> (or the only
/// column), as many rows as the signal has samples.
/// </summary>
public static class SignalLabels
{
    public static SignalLabelSet Read(string path, int length)
    {
        using var table = DelimitedText.Open(path, "labels table");
        var (start, end, kind, channel) = (table.Find("start"), table.Find("end"), table.Find("kind"), table.Find("channel"));
        var labels = new bool[length];
        if (start >= 0 && end >= 0)
        {
            var intervals = new List<SignalInterval>();
            while (table.Next(out var f))
            {
                if (!int.TryParse(f[start], CultureInfo.InvariantCulture, out var s) || !int.TryParse(f[end], CultureInfo.InvariantCulture, out var e))
                    throw table.Error($"start '{f[start]}' and end '{f[end]}' must be whole sample indices");
                if (s < 0 || e <= s || e > length) throw table.Error($"interval [{s}, {e}) is not inside the signal's {length} samples (end exclusive)");
                Array.Fill(labels, true, s, e - s);
                intervals.Add(new SignalInterval(s, e, kind >= 0 && f[kind].Length > 0 ? f[kind] : null, channel >= 0 && f[channel].Length > 0 ? f[channel] : null));
            }
            return new SignalLabelSet(labels, intervals.OrderBy(i => i.Start).ToList());
        }
        var column = table.Find("label") is var k && k >= 0 ? k
            : table.Header.Length == 1 ? 0
            : throw new UserInputException($"{path}: expected columns start and end (intervals) or a column label (one 0/1 row per sample); columns: {string.Join(", ", table.Header)}");
        var row = 0;
        while (table.Next(out var f))
        {
            if (row == length) throw table.Error($"more label rows than the signal's {length} samples");
            labels[row++] = f[column] switch
            {
                "1" or "1.0" or "true" or "TRUE" => true,
                "0" or "0.0" or "false" or "FALSE" => false,
                var other => throw table.Error($"label '{other}' is not 0 or 1"),
            };
        }
        if (row != length) throw new UserInputException($"{path}: {row} label rows, but the signal has {length} samples");
        return new SignalLabelSet(labels, Intervals(labels));
    }

    /// <summary>The runs of true in <paramref name="labels"/> as intervals.</summary>
    public static List<SignalInterval> Intervals(ReadOnlySpan<bool> labels)
    {
        var intervals = new List<SignalInterval>();
        for (var i = 0; i < labels.Length; i++)
        {
            if (!labels[i]) continue;
            var start = i;
            while (i < labels.Length && labels[i]) i++;
            intervals.Add(new SignalInterval(start, i));
        }
        return intervals;
    }

    /// <summary>Writes one row per sample: <c>sample</c> and <c>label</c> (0/1), TSV.</summary>
    public static void WritePerSample(string path, ReadOnlySpan<bool> labels)
    {
        var text = new StringBuilder("sample\tlabel\n");
        for (var i = 0; i < labels.Length; i++) text.Append(i).Append('\t').Append(labels[i] ? '1' : '0').Append('\n');
        AtomicFile.WriteAllText(path, text.ToString());
    }

    /// <summary>Writes intervals as TSV: start, end (exclusive), and the seconds, kind and channel when known.</summary>
    public static void WriteIntervals(string path, IEnumerable<SignalInterval> intervals, double? samplingRate)
    {
        var text = new StringBuilder("start\tend\tstart_s\tend_s\tkind\tchannel\n");
        foreach (var i in intervals)
        {
            string Seconds(int sample) => samplingRate is { } hz ? (sample / hz).ToString("0.###", CultureInfo.InvariantCulture) : "";
            text.Append(CultureInfo.InvariantCulture, $"{i.Start}\t{i.End}\t{Seconds(i.Start)}\t{Seconds(i.End)}\t{i.Kind}\t{i.Channel}\n");
        }
        AtomicFile.WriteAllText(path, text.ToString());
    }
}
