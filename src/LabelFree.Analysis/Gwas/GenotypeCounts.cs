using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace LabelFree.Analysis.Gwas;

/// <summary>Genotype counts of one packed record over a subset of samples.</summary>
public readonly record struct GenotypeCounts(int HomA1, int Het, int Missing)
{
    /// <summary>Sum of A1 dosages (missing count as 0).</summary>
    public double Sum => 2.0 * HomA1 + Het;

    /// <summary>Sum of squared A1 dosages (missing count as 0).</summary>
    public double SumOfSquares => 4.0 * HomA1 + Het;

    /// <summary>
    /// A mask for <see cref="Count"/>: bit 2i set for each included sample i (null: every sample), so the padding in
    /// a record's last byte is never counted.
    /// </summary>
    public static ulong[] Mask(int sampleCount, Func<int, bool>? include = null)
    {
        var mask = new ulong[((sampleCount + 3) / 4 + 7) / 8];
        for (var i = 0; i < sampleCount; i++)
            if (include is null || include(i)) mask[i >> 5] |= 1UL << (2 * (i & 31));
        return mask;
    }

    /// <summary>Counts the genotypes of <paramref name="record"/> at the samples in <paramref name="mask"/>, 32 at a time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static GenotypeCounts Count(ReadOnlySpan<byte> record, ulong[] mask)
    {
        int hom = 0, het = 0, missing = 0;
        Span<byte> tail = stackalloc byte[8];
        for (var w = 0; w < mask.Length; w++)
        {
            var offset = w * 8;
            ulong word;
            if (offset + 8 <= record.Length) word = BinaryPrimitives.ReadUInt64LittleEndian(record[offset..]);
            else
            {
                tail.Clear();
                record[offset..].CopyTo(tail);
                word = BinaryPrimitives.ReadUInt64LittleEndian(tail);
            }
            var lo = word & mask[w];
            var hi = (word >> 1) & mask[w];
            hom += BitOperations.PopCount(~lo & ~hi & mask[w]);
            het += BitOperations.PopCount(hi & ~lo);
            missing += BitOperations.PopCount(lo & ~hi);
        }
        return new GenotypeCounts(hom, het, missing);
    }
}
