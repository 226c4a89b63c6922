using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace LabelFree.Analysis.Gwas;

/// <summary>Turns packed 2-bit records into A1 dosages (2 hom A1, 1 het, 0 hom A2; missing written as 0 and listed).</summary>
public static class GenotypeDecoder
{
    // For each byte value, the dosages of its four genotypes: one 256-bit load per byte.
    private static readonly double[] Table = BuildTable();

    /// <summary>
    /// Decodes one record into <paramref name="dosages"/> (length at least N rounded up to 4; entries from N on are
    /// zeroed) and appends the indices of missing genotypes to <paramref name="missing"/>.
    /// </summary>
    public static void Decode(ReadOnlySpan<byte> packed, int sampleCount, Span<double> dosages, List<int> missing)
    {
        var bytes = (sampleCount + 3) / 4;
        ref var table = ref MemoryMarshal.GetArrayDataReference(Table);
        ref var target = ref MemoryMarshal.GetReference(dosages);
        if (dosages.Length < bytes * 4) throw new ArgumentException("dosage buffer too short", nameof(dosages));
        for (var b = 0; b < bytes; b++)
        {
            var four = Vector256.LoadUnsafe(ref table, (nuint)(packed[b] * 4));
            four.StoreUnsafe(ref target, (nuint)(b * 4));
        }
        dosages[sampleCount..].Clear();
        FindMissing(packed[..bytes], sampleCount, missing);
    }

    /// <summary>
    /// Decodes whole bytes of a record into dosages (4 per byte, missing as 0) and zeroes the rest of
    /// <paramref name="dosages"/>. Genotypes past N in the last byte are padding (code 00) and must meet zero weights.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void DecodeBytes(ReadOnlySpan<byte> packed, Span<double> dosages)
    {
        ref var table = ref MemoryMarshal.GetArrayDataReference(Table);
        ref var target = ref MemoryMarshal.GetReference(dosages);
        for (var b = 0; b < packed.Length; b++)
            Vector256.LoadUnsafe(ref table, (nuint)(packed[b] * 4)).StoreUnsafe(ref target, (nuint)(b * 4));
        dosages[(packed.Length * 4)..].Clear();
    }

    /// <summary>Appends the indices (below N) whose code is 01.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void FindMissing(ReadOnlySpan<byte> packed, int sampleCount, List<int> missing)
    {
        const ulong low = 0x5555_5555_5555_5555UL;
        var words = packed.Length / 8;
        var asWords = MemoryMarshal.Cast<byte, ulong>(packed[..(words * 8)]);
        for (var w = 0; w < words; w++)
        {
            var v = asWords[w];
            var bits = v & ~(v >> 1) & low;
            while (bits != 0)
            {
                var index = w * 32 + BitOperations.TrailingZeroCount(bits) / 2;
                if (index < sampleCount) missing.Add(index);
                bits &= bits - 1;
            }
        }
        for (var b = words * 8; b < packed.Length; b++)
            for (var j = 0; j < 4; j++)
                if (((packed[b] >> (2 * j)) & 3) == 1 && b * 4 + j < sampleCount)
                    missing.Add(b * 4 + j);
    }

    /// <summary>Dosage of one genotype code, NaN for missing.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Dosage(int code) => code switch { 0 => 2, 2 => 1, 3 => 0, _ => double.NaN };

    private static double[] BuildTable()
    {
        var table = new double[256 * 4];
        for (var b = 0; b < 256; b++)
            for (var j = 0; j < 4; j++)
            {
                var d = Dosage((b >> (2 * j)) & 3);
                table[b * 4 + j] = double.IsNaN(d) ? 0 : d;
            }
        return table;
    }
}
