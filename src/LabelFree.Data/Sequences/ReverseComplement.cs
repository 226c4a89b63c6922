namespace LabelFree.Data.Sequences;

/// <summary>The reverse complement of a sequence, IUPAC-aware (R-Y, K-M, B-V, D-H; S, W, N unchanged); case is kept.</summary>
public static class ReverseComplement
{
    public static byte[] Of(ReadOnlySpan<byte> bases)
    {
        var result = new byte[bases.Length];
        for (var i = 0; i < bases.Length; i++) result[bases.Length - 1 - i] = NucleotideCodes.Complement(bases[i]);
        return result;
    }

    public static string Of(string bases) => string.Create(bases.Length, bases, static (result, source) =>
    {
        for (var i = 0; i < source.Length; i++)
            result[source.Length - 1 - i] = source[i] < 128 ? (char)NucleotideCodes.Complement((byte)source[i]) : source[i];
    });

    /// <summary>The reverse complement of a record: bases reversed and complemented, soft-masked runs mirrored, id kept.</summary>
    public static SequenceRecord Of(SequenceRecord record)
    {
        var length = record.Length;
        var runs = record.SoftMasked.Reverse().Select(r => new Interval(length - r.End, length - r.Start)).ToArray();
        return record with { Bases = Of(record.Bases), SoftMasked = runs };
    }
}
