using LabelFree.Core.Errors;
using LabelFree.Core.Randomness;

namespace LabelFree.Data.Sequences;

/// <summary>A stretch of one record: bases [Start, Start + Length) of record <see cref="Record"/>.</summary>
public readonly record struct SequenceWindow(int Record, int Start, int Length)
{
    public ReadOnlySpan<byte> Bases(IReadOnlyList<SequenceRecord> records) => records[Record].Bases.AsSpan(Start, Length);

    /// <summary>The window's bases as memory, for <see cref="Tokenizers.SequenceEncoding.Encode(Tokenizers.ISequenceTokenizer, IReadOnlyList{ReadOnlyMemory{byte}}, int, bool)"/>.</summary>
    public ReadOnlyMemory<byte> Memory(IReadOnlyList<SequenceRecord> records) => records[Record].Bases.AsMemory(Start, Length);
}

/// <summary>Fixed-length training windows cut from long records: random (seeded) for training, tiled for evaluation.</summary>
public static class SequenceWindows
{
    private const int MaxDrawsPerWindow = 1000;

    /// <summary>
    /// <paramref name="count"/> windows of <paramref name="length"/> bases, each start uniform over every position of
    /// every record where a whole window fits (so records are chosen in proportion to their usable length). Windows
    /// with more than <paramref name="maxUnknownFraction"/> non-ACGT bases are drawn again. The stream is
    /// <c>Rng.For(seed, "sequence-windows", index)</c>: pass the epoch as <paramref name="index"/> for fresh windows each epoch.
    /// </summary>
    public static SequenceWindow[] Sample(IReadOnlyList<SequenceRecord> records, int length, int count, long seed, long index = 0, double maxUnknownFraction = 1.0) =>
        Sample(records, length, count, Rng.For(seed, "sequence-windows", index), maxUnknownFraction);

    /// <summary>
    /// <paramref name="count"/> windows drawn as above from <paramref name="rng"/> (a training step's stream, so that a
    /// resumed run draws the same windows).
    /// </summary>
    public static SequenceWindow[] Sample(IReadOnlyList<SequenceRecord> records, int length, int count, Rng rng, double maxUnknownFraction = 1.0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (length < 1) throw new UserInputException($"window length: expected at least 1 base, got {length}");
        if (maxUnknownFraction is < 0 or > 1) throw new UserInputException($"window max unknown fraction: expected a number in [0, 1], got {maxUnknownFraction}");
        var cumulative = new long[records.Count];
        long total = 0;
        for (var r = 0; r < records.Count; r++)
        {
            total += Math.Max(0, records[r].Length - length + 1);
            cumulative[r] = total;
        }
        if (total == 0) throw new UserInputException($"window length: no record is at least {length} bases long (longest: {(records.Count == 0 ? 0 : records.Max(r => r.Length))})");

        var windows = new SequenceWindow[count];
        var maxUnknown = (int)Math.Floor(maxUnknownFraction * length);
        for (var w = 0; w < count; w++)
        {
            for (var draw = 0; ; draw++)
            {
                if (draw == MaxDrawsPerWindow)
                    throw new UserInputException($"window max unknown fraction: {MaxDrawsPerWindow} draws found no window of {length} bases with at most {maxUnknown} unknown bases");
                var at = Math.Min(total - 1, (long)(rng.NextDouble() * total));
                var record = Array.BinarySearch(cumulative, at + 1);
                if (record < 0) record = ~record;
                var start = (int)(at - (record == 0 ? 0 : cumulative[record - 1]));
                var window = new SequenceWindow(record, start, length);
                if (maxUnknown < length && Unknown(window.Bases(records)) > maxUnknown) continue;
                windows[w] = window;
                break;
            }
        }
        return windows;
    }

    /// <summary>
    /// Windows of <paramref name="length"/> bases every <paramref name="stride"/> bases (default: the length, i.e.
    /// non-overlapping) along each record, in order; a tail shorter than the length is left out.
    /// </summary>
    public static SequenceWindow[] Tile(IReadOnlyList<SequenceRecord> records, int length, int? stride = null)
    {
        if (length < 1) throw new UserInputException($"window length: expected at least 1 base, got {length}");
        var step = stride ?? length;
        if (step < 1) throw new UserInputException($"window stride: expected at least 1 base, got {step}");
        var windows = new List<SequenceWindow>();
        for (var r = 0; r < records.Count; r++)
            for (var start = 0; start + length <= records[r].Length; start += step)
                windows.Add(new SequenceWindow(r, start, length));
        return windows.ToArray();
    }

    private static int Unknown(ReadOnlySpan<byte> bases)
    {
        var unknown = 0;
        foreach (var b in bases)
            if (!NucleotideCodes.IsAcgt(b)) unknown++;
        return unknown;
    }
}
