using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace LabelFree.Analysis.Gwas;

/// <summary>
/// The one dense product of the scan, C = X Z: X is a block of variants (rows of N dosages), Z holds the residualised
/// phenotypes and the covariate basis as N x W. Z is stored in panels of <see cref="Width"/> columns,
/// panel p element (i, j) at <c>[(p * N + i) * Width + j]</c>, so a micro-kernel streams one contiguous panel while it
/// keeps 8 variants x 8 columns of C in registers. Samples are taken in chunks that keep a panel slice in L2.
/// </summary>
public static class BlockProduct
{
    /// <summary>Columns per panel.</summary>
    public const int Width = 8;

    /// <summary>Variants per micro-kernel; the block's row count must be a multiple of this.</summary>
    public const int Rows = 8;

    private const int Chunk = 1024;

    /// <summary>Packs column-major <paramref name="columns"/> (each length N) into panels; missing trailing columns are 0.</summary>
    public static double[] Pack(IReadOnlyList<double[]> columns, int sampleCount)
    {
        var panels = PanelCount(columns.Count);
        var packed = new double[panels * sampleCount * Width];
        for (var c = 0; c < columns.Count; c++)
        {
            var p = c / Width;
            var j = c % Width;
            for (var i = 0; i < sampleCount; i++) packed[(p * sampleCount + i) * Width + j] = columns[c][i];
        }
        return packed;
    }

    public static int PanelCount(int columns) => (columns + Width - 1) / Width;

    /// <summary>Element (i, c) of a packed Z.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double At(double[] packed, int sampleCount, int i, int c) => packed[(c / Width * sampleCount + i) * Width + c % Width];

    /// <summary>Samples per chunk: a chunk of the decoded block and one panel slice stay in L2.</summary>
    public const int ChunkSamples = Chunk;

    /// <summary>
    /// For each of several right-hand sides Z_g: c_g = X Z_g, where X is decoded from packed .bed records chunk by
    /// chunk into <paramref name="scratch"/> (rows x <see cref="ChunkSamples"/>), so dosages never leave the cache.
    /// <paramref name="rows"/> is a multiple of <see cref="Rows"/>; records beyond <paramref name="records"/> are zero.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MultiplyPacked(ReadOnlySpan<byte> packed, int records, int rows, int bytesPerVariant, int n,
        IReadOnlyList<(double[] Z, int Panels)> rightHandSides, IReadOnlyList<double[]> c, double[] scratch)
    {
        if (rows % Rows != 0) throw new ArgumentException($"rows {rows} not a multiple of {Rows}", nameof(rows));
        for (var g = 0; g < rightHandSides.Count; g++) c[g].AsSpan(0, rows * rightHandSides[g].Panels * Width).Clear();
        scratch.AsSpan(records * Chunk, (rows - records) * Chunk).Clear();
        for (var start = 0; start < n; start += Chunk)
        {
            var length = Math.Min(Chunk, n - start);
            var firstByte = start / 4;
            var byteCount = (length + 3) / 4;
            for (var r = 0; r < records; r++)
                GenotypeDecoder.DecodeBytes(packed.Slice(r * bytesPerVariant + firstByte, byteCount), scratch.AsSpan(r * Chunk, Chunk));
            for (var g = 0; g < rightHandSides.Count; g++)
            {
                var (z, panels) = rightHandSides[g];
                var cStride = panels * Width;
                ref var x0 = ref MemoryMarshal.GetArrayDataReference(scratch);
                ref var c0 = ref MemoryMarshal.GetArrayDataReference(c[g]);
                for (var p = 0; p < panels; p++)
                {
                    ref var panel = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(z), (p * n + start) * Width);
                    for (var r = 0; r < rows; r += Rows)
                    {
                        ref var xRows = ref Unsafe.Add(ref x0, r * Chunk);
                        ref var cRows = ref Unsafe.Add(ref c0, r * cStride + p * Width);
                        if (Vector512.IsHardwareAccelerated) Kernel512(ref xRows, Chunk, ref panel, length, ref cRows, cStride);
                        else Kernel256(ref xRows, Chunk, ref panel, length, ref cRows, cStride);
                    }
                }
            }
        }
    }

    /// <summary>
    /// c[r * panels * Width + col] = sum over i &lt; n of x[r * xStride + i] * Z(i, col), for r &lt; rows.
    /// </summary>
    public static void Multiply(ReadOnlySpan<double> x, int rows, int xStride, int n, ReadOnlySpan<double> z, int panels, Span<double> c)
    {
        if (rows % Rows != 0) throw new ArgumentException($"rows {rows} not a multiple of {Rows}", nameof(rows));
        var cStride = panels * Width;
        c[..(rows * cStride)].Clear();
        ref var x0 = ref MemoryMarshal.GetReference(x);
        ref var z0 = ref MemoryMarshal.GetReference(z);
        ref var c0 = ref MemoryMarshal.GetReference(c);
        for (var start = 0; start < n; start += Chunk)
        {
            var length = Math.Min(Chunk, n - start);
            for (var p = 0; p < panels; p++)
            {
                ref var panel = ref Unsafe.Add(ref z0, (p * n + start) * Width);
                for (var r = 0; r < rows; r += Rows)
                {
                    ref var xRows = ref Unsafe.Add(ref x0, r * xStride + start);
                    ref var cRows = ref Unsafe.Add(ref c0, r * cStride + p * Width);
                    if (Vector512.IsHardwareAccelerated) Kernel512(ref xRows, xStride, ref panel, length, ref cRows, cStride);
                    else Kernel256(ref xRows, xStride, ref panel, length, ref cRows, cStride);
                }
            }
        }
    }

    // 8 variants x 8 columns: one 512-bit accumulator per variant.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel512(ref double x, int xStride, ref double z, int length, ref double c, int cStride)
    {
        ref var x1 = ref Unsafe.Add(ref x, xStride);
        ref var x2 = ref Unsafe.Add(ref x, 2 * xStride);
        ref var x3 = ref Unsafe.Add(ref x, 3 * xStride);
        ref var x4 = ref Unsafe.Add(ref x, 4 * xStride);
        ref var x5 = ref Unsafe.Add(ref x, 5 * xStride);
        ref var x6 = ref Unsafe.Add(ref x, 6 * xStride);
        ref var x7 = ref Unsafe.Add(ref x, 7 * xStride);
        Vector512<double> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
        for (var i = 0; i < length; i++)
        {
            var zi = Vector512.LoadUnsafe(ref z, (nuint)(i * Width));
            a0 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref x, i)), zi, a0);
            a1 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref x1, i)), zi, a1);
            a2 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref x2, i)), zi, a2);
            a3 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref x3, i)), zi, a3);
            a4 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref x4, i)), zi, a4);
            a5 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref x5, i)), zi, a5);
            a6 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref x6, i)), zi, a6);
            a7 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref x7, i)), zi, a7);
        }
        Add512(ref c, a0);
        Add512(ref Unsafe.Add(ref c, cStride), a1);
        Add512(ref Unsafe.Add(ref c, 2 * cStride), a2);
        Add512(ref Unsafe.Add(ref c, 3 * cStride), a3);
        Add512(ref Unsafe.Add(ref c, 4 * cStride), a4);
        Add512(ref Unsafe.Add(ref c, 5 * cStride), a5);
        Add512(ref Unsafe.Add(ref c, 6 * cStride), a6);
        Add512(ref Unsafe.Add(ref c, 7 * cStride), a7);
    }

    private static void Add512(ref double target, Vector512<double> value) =>
        (Vector512.LoadUnsafe(ref target) + value).StoreUnsafe(ref target);

    // Without AVX-512: the same 8 x 8 tile as pairs of 256-bit halves, one variant at a time (fewer registers).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel256(ref double x, int xStride, ref double z, int length, ref double c, int cStride)
    {
        for (var r = 0; r < Rows; r++)
        {
            ref var xr = ref Unsafe.Add(ref x, r * xStride);
            Vector256<double> lo0 = default, hi0 = default, lo1 = default, hi1 = default;
            var i = 0;
            for (; i + 1 < length; i += 2)
            {
                lo0 = Vector256.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref xr, i)), Vector256.LoadUnsafe(ref z, (nuint)(i * Width)), lo0);
                hi0 = Vector256.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref xr, i)), Vector256.LoadUnsafe(ref z, (nuint)(i * Width + 4)), hi0);
                lo1 = Vector256.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref xr, i + 1)), Vector256.LoadUnsafe(ref z, (nuint)((i + 1) * Width)), lo1);
                hi1 = Vector256.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref xr, i + 1)), Vector256.LoadUnsafe(ref z, (nuint)((i + 1) * Width + 4)), hi1);
            }
            for (; i < length; i++)
            {
                lo0 = Vector256.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref xr, i)), Vector256.LoadUnsafe(ref z, (nuint)(i * Width)), lo0);
                hi0 = Vector256.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref xr, i)), Vector256.LoadUnsafe(ref z, (nuint)(i * Width + 4)), hi0);
            }
            ref var cr = ref Unsafe.Add(ref c, r * cStride);
            (Vector256.LoadUnsafe(ref cr) + lo0 + lo1).StoreUnsafe(ref cr);
            (Vector256.LoadUnsafe(ref cr, 4) + hi0 + hi1).StoreUnsafe(ref cr, 4);
        }
    }
}
