using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using LabelFree.Core.Errors;
using Microsoft.Win32.SafeHandles;

namespace LabelFree.Data.Genotypes;

/// <summary>How the blocks of genotype probabilities are compressed (header flags bits 0-1).</summary>
public enum BgenCompression { None = 0, Zlib = 1, Zstd = 2 }

/// <summary>One variant's identifying block; the alleles in file order (only biallelic variants are read).</summary>
public sealed record BgenVariant(string Id, string Rsid, string Chrom, long Position, string Allele1, string Allele2);

/// <summary>
/// Random access to a BGEN file, versions 1.2 and 1.3 (layout 2; uncompressed, zlib or zstd genotype blocks; 1 to 32
/// bits per probability; phased or unphased; ploidy 1 or 2, higher ploidy read as missing as plink2 does).
/// <para>
/// Index: opening walks the variant headers once (each genotype block is skipped by its stored length, never read)
/// and keeps two offsets per variant, so any range of variants is then read directly (for chunked scans).
/// </para>
/// <para>
/// Hostile input: every length and count from the file is checked against the file's real length (or, for
/// decompressed blocks, against the size that N samples at the stated bit depth need) before anything is allocated
/// from it; a bad file is a <see cref="UserInputException"/> naming the file, the variant and the problem.
/// </para>
/// Blocks are read with positional reads, so threads may read concurrently.
/// </summary>
public sealed class BgenFile : IDisposable
{
    /// <summary>plink2's dosage unit: dosages are held as multiples of 1/16384 when read on plink2's grid.</summary>
    public const int Plink2DosageUnit = 16384;

    // Smallest identifying block: five length fields (2 + 2 + 2 + 2 alleles' count), position, two allele lengths.
    private const int MinimalVariantBytes = 2 + 2 + 2 + 4 + 2 + 4 + 4 + 4;
    private readonly SafeFileHandle _handle;
    private readonly long[] _variantStart;
    private readonly long[] _blockStart;

    private BgenFile(string path, SafeFileHandle handle, int sampleCount, BgenCompression compression, IReadOnlyList<string>? sampleIds,
        long[] variantStart, long[] blockStart, long length)
    {
        Path = path;
        _handle = handle;
        SampleCount = sampleCount;
        Compression = compression;
        SampleIds = sampleIds;
        _variantStart = variantStart;
        _blockStart = blockStart;
        Length = length;
    }

    public string Path { get; }

    public int SampleCount { get; }

    public long VariantCount => _variantStart.Length;

    public BgenCompression Compression { get; }

    /// <summary>The sample identifiers stored in the file (header flag bit 31), or null.</summary>
    public IReadOnlyList<string>? SampleIds { get; }

    private long Length { get; }

    /// <summary>Opens <paramref name="path"/>, checks its header and builds the variant index.</summary>
    public static BgenFile Open(string path)
    {
        UserInputException.RequireFile(path, ".bgen file");
        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.RandomAccess);
        try
        {
            var length = RandomAccess.GetLength(handle);
            Span<byte> head = stackalloc byte[24];
            if (length < 24 || RandomAccess.Read(handle, head, 0) < 24) throw Bad(path, $"{length} bytes, too short for a BGEN header");
            var offset = BinaryPrimitives.ReadUInt32LittleEndian(head);
            var headerLength = BinaryPrimitives.ReadUInt32LittleEndian(head[4..]);
            var variantCount = BinaryPrimitives.ReadUInt32LittleEndian(head[8..]);
            var sampleCount = BinaryPrimitives.ReadUInt32LittleEndian(head[12..]);
            var magic = head.Slice(16, 4);
            if (!magic.SequenceEqual("bgen"u8) && !magic.SequenceEqual(new byte[4]))
                throw Bad(path, "not a BGEN file (magic bytes are not 'bgen')");
            if (headerLength < 20 || headerLength > offset || 4L + offset > length)
                throw Bad(path, $"header length {headerLength} and first-variant offset {offset} do not fit a {length}-byte file");
            Span<byte> flagBytes = stackalloc byte[4];
            if (RandomAccess.Read(handle, flagBytes, headerLength) < 4) throw Bad(path, "file ends inside the header");
            var flags = BinaryPrimitives.ReadUInt32LittleEndian(flagBytes);
            var compression = (BgenCompression)(flags & 3);
            var layout = (flags >> 2) & 0xF;
            if ((int)compression == 3) throw Bad(path, "compression code 3 is not defined by the BGEN specification");
            if (layout != 2)
                throw Bad(path, layout == 1 ? "layout 1 (BGEN v1.1) is not supported; convert to v1.2 (e.g. qctool -ofiletype bgen_v1.2)" : $"layout {layout} is not defined");
            if (sampleCount == 0 || sampleCount > int.MaxValue / 16) throw Bad(path, $"{sampleCount} samples in the header");
            if ((long)variantCount * MinimalVariantBytes > length - 4 - offset)
                throw Bad(path, $"header declares {variantCount} variants, more than the {length - 4 - offset} bytes after the header can hold");
            IReadOnlyList<string>? ids = null;
            if ((flags >> 31) != 0) ids = ReadSampleIds(path, handle, 4 + headerLength, offset - headerLength, (int)sampleCount);
            var (starts, blocks) = Index(path, handle, 4L + offset, (int)variantCount, length, compression, (int)sampleCount);
            return new BgenFile(path, handle, (int)sampleCount, compression, ids, starts, blocks, length);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private static List<string> ReadSampleIds(string path, SafeFileHandle handle, long at, long room, int sampleCount)
    {
        Span<byte> head = stackalloc byte[8];
        if (room < 8 || RandomAccess.Read(handle, head, at) < 8) throw Bad(path, "sample identifier block does not fit before the first variant");
        var blockLength = BinaryPrimitives.ReadUInt32LittleEndian(head);
        var count = BinaryPrimitives.ReadUInt32LittleEndian(head[4..]);
        if (count != sampleCount) throw Bad(path, $"sample identifier block lists {count} samples, the header {sampleCount}");
        if (blockLength > room || blockLength < 8 + 2L * sampleCount)
            throw Bad(path, $"sample identifier block length {blockLength} does not fit {sampleCount} samples in {room} bytes");
        var block = new byte[blockLength - 8];
        if (RandomAccess.Read(handle, block, at + 8) < block.Length) throw Bad(path, "file ends inside the sample identifiers");
        var ids = new List<string>(sampleCount);
        var p = 0;
        for (var i = 0; i < sampleCount; i++)
        {
            if (p + 2 > block.Length) throw Bad(path, $"sample identifier {i + 1} runs past its block");
            int len = BinaryPrimitives.ReadUInt16LittleEndian(block.AsSpan(p));
            if (p + 2 + len > block.Length) throw Bad(path, $"sample identifier {i + 1} runs past its block");
            ids.Add(Encoding.UTF8.GetString(block, p + 2, len));
            p += 2 + len;
        }
        return ids;
    }

    // One pass over the variant headers: where each variant starts and where its genotype block starts.
    private static (long[] Starts, long[] Blocks) Index(string path, SafeFileHandle handle, long at, int count, long length,
        BgenCompression compression, int sampleCount)
    {
        var starts = new long[count];
        var blocks = new long[count];
        var window = new byte[4096];
        for (var v = 0; v < count; v++)
        {
            starts[v] = at;
            var headerBytes = ParseHeader(path, handle, at, length, v, window, out _);
            var block = at + headerBytes;
            blocks[v] = block;
            var lengths = ReadUInt32s(path, handle, block, length, v, compression == BgenCompression.None ? 1 : 2);
            var stored = lengths[0];
            if (block + 4 + stored > length) throw Bad(path, $"variant {v + 1}: genotype block of {stored} bytes runs past the end of the file");
            if (compression != BgenCompression.None) CheckUncompressedSize(path, v, lengths[1], sampleCount);
            else CheckUncompressedSize(path, v, stored, sampleCount);
            at = block + 4 + stored;
        }
        return (starts, blocks);
    }

    // The decompressed block holds N, K, ploidy range, N ploidy bytes, phased flag, bit depth and at least the
    // probabilities of N haploid samples at one bit; at most those of N diploid samples at 32 bits (two values each).
    private static void CheckUncompressedSize(string path, int v, long size, int sampleCount)
    {
        var least = 10L + sampleCount;
        var most = 10L + sampleCount + 8L * sampleCount;
        if (size < least || size > most)
            throw Bad(path, $"variant {v + 1}: genotype block of {size} bytes cannot hold {sampleCount} samples (expected {least} to {most})");
    }

    private static uint[] ReadUInt32s(string path, SafeFileHandle handle, long at, long length, int v, int count)
    {
        Span<byte> b = stackalloc byte[8];
        if (at + 4 * count > length || RandomAccess.Read(handle, b[..(4 * count)], at) < 4 * count)
            throw Bad(path, $"variant {v + 1}: file ends inside the genotype block header");
        var values = new uint[count];
        for (var i = 0; i < count; i++) values[i] = BinaryPrimitives.ReadUInt32LittleEndian(b[(4 * i)..]);
        return values;
    }

    // Parses the identifying block at 'at'; returns its length in bytes.
    private static long ParseHeader(string path, SafeFileHandle handle, long at, long length, int v, byte[] window, out BgenVariant? variant)
    {
        var reader = new HeaderReader(path, handle, at, length, v, window);
        var id = reader.String16();
        var rsid = reader.String16();
        var chrom = reader.String16();
        var position = reader.UInt32();
        var alleles = reader.UInt16();
        if (alleles != 2)
            throw Bad(path, $"variant {v + 1} ({rsid}) has {alleles} alleles; only biallelic variants are supported (split them first, e.g. plink2 --make-pgen multiallelics=-)");
        var a1 = reader.String32();
        var a2 = reader.String32();
        variant = new BgenVariant(id, rsid, chrom, position, a1, a2);
        return reader.Position - at;
    }

    /// <summary>The variants' identifying blocks in file order (streamed).</summary>
    public IEnumerable<BgenVariant> Variants(long first = 0, long count = -1)
    {
        var end = count < 0 ? VariantCount : Math.Min(VariantCount, first + count);
        var window = new byte[4096];
        for (var v = first; v < end; v++)
        {
            ParseHeader(Path, _handle, _variantStart[v], Length, (int)v, window, out var variant);
            yield return variant!;
        }
    }

    /// <summary>One variant's probabilities: <see cref="Values"/>[i * 2 + j] as stored (unphased diploid: P(11), P(12);
    /// phased: P(haplotype 1 carries allele 1), the same for haplotype 2; haploid: P(1), 0), as integers over
    /// 2^<see cref="Bits"/> - 1.</summary>
    public sealed record Probabilities(int Bits, bool Phased, byte[] Ploidy, bool[] Missing, ulong[] Values);

    /// <summary>Reads the stored probabilities of variant <paramref name="v"/> (for checks and tests).</summary>
    public Probabilities ReadProbabilities(long v)
    {
        var block = ReadBlock(v);
        var layout = ParseProbabilityBlock(block, v);
        var values = new ulong[2 * SampleCount];
        var missing = new bool[SampleCount];
        var ploidy = new byte[SampleCount];
        var offset = 0L;
        for (var i = 0; i < SampleCount; i++)
        {
            var code = block[8 + i];
            ploidy[i] = (byte)(code & 0x3F);
            missing[i] = (code & 0x80) != 0;
            var stored = ValuesPerSample(ploidy[i]);
            for (var j = 0; j < Math.Min(stored, 2); j++) values[2 * i + j] = Bits(block, layout.ProbabilitiesAt, offset + j, layout.Bits);
            offset += stored;
        }
        return new Probabilities(layout.Bits, layout.Phased, ploidy, missing, values);
    }

    /// <summary>
    /// Expected counts of allele 2 (<paramref name="countAllele2"/>) or allele 1 for variants [first, first + count):
    /// row r of <paramref name="dosages"/> (stride <paramref name="stride"/>) gets variant first + r, missing samples
    /// (flagged missing, ploidy 0 or above 2) as 0 and listed in <paramref name="missing"/>[r].
    /// With <paramref name="plink2Grid"/> each dosage is rounded to a multiple of 1/16384 exactly as plink2 imports
    /// BGEN (round half up of allele 1's dosage), so that results equal plink2's; otherwise it is exact.
    /// A haploid sample counts as homozygous (dosage 2 P), as plink2 imports it.
    /// </summary>
    public void ReadDosages(long first, int count, Span<double> dosages, int stride, List<int>[] missing, bool countAllele2, bool plink2Grid)
    {
        if (first < 0 || count < 0 || first + count > VariantCount)
            throw new ArgumentOutOfRangeException(nameof(count), $"variants {first}..{first + count} outside 0..{VariantCount}");
        for (var r = 0; r < count; r++)
        {
            var block = ReadBlock(first + r);
            var layout = ParseProbabilityBlock(block, first + r);
            missing[r].Clear();
            Decode(block, layout, dosages.Slice(r * stride, SampleCount), missing[r], countAllele2, plink2Grid);
        }
    }

    private void Decode(byte[] block, Layout layout, Span<double> x, List<int> missing, bool countAllele2, bool plink2Grid)
    {
        var bits = layout.Bits;
        var max = (1UL << bits) - 1;
        var scale = 1.0 / max;
        var offset = 0L;
        for (var i = 0; i < SampleCount; i++)
        {
            var code = block[8 + i];
            var ploidy = code & 0x3F;
            var stored = ValuesPerSample(ploidy);
            var isMissing = (code & 0x80) != 0 || ploidy == 0 || ploidy > 2;
            if (isMissing)
            {
                x[i] = 0;
                missing.Add(i);
                offset += stored;
                continue;
            }
            // Twice allele 1's probability mass, as an integer over 2^bits - 1: 2 P(11) + P(12) unphased diploid,
            // the two haplotypes' P(1) phased, 2 P(1) haploid.
            var a = Bits(block, layout.ProbabilitiesAt, offset, bits);
            ulong numerator;
            if (ploidy == 1) numerator = 2 * a;
            else
            {
                var b = Bits(block, layout.ProbabilitiesAt, offset + 1, bits);
                numerator = layout.Phased ? a + b : 2 * a + b;
            }
            offset += stored;
            double dosage1;
            if (plink2Grid)
            {
                var q = (2 * numerator * Plink2DosageUnit + max) / (2 * max);
                dosage1 = q / (double)Plink2DosageUnit;
            }
            else dosage1 = numerator * scale;
            x[i] = countAllele2 ? 2 - dosage1 : dosage1;
        }
    }

    // Stored values per biallelic sample: Z haplotype probabilities phased, C(Z + 1, 1) - 1 = Z genotype
    // probabilities unphased; either way the ploidy Z.
    private static int ValuesPerSample(int ploidy) => ploidy;

    private readonly record struct Layout(int Bits, bool Phased, int ProbabilitiesAt);

    // Checks the decompressed block against N and its own bit depth and ploidy bytes.
    private Layout ParseProbabilityBlock(byte[] block, long v)
    {
        var n = BinaryPrimitives.ReadUInt32LittleEndian(block);
        var alleles = BinaryPrimitives.ReadUInt16LittleEndian(block.AsSpan(4));
        if (n != SampleCount) throw Bad(Path, $"variant {v + 1}: genotype block has {n} samples, the header {SampleCount}");
        if (alleles != 2) throw Bad(Path, $"variant {v + 1}: genotype block has {alleles} alleles");
        var maxPloidy = block[7];
        if (block[6] > maxPloidy || maxPloidy > 63) throw Bad(Path, $"variant {v + 1}: ploidy range {block[6]}..{maxPloidy} is invalid");
        var phased = block[8 + SampleCount];
        var bits = block[9 + SampleCount];
        if (phased > 1) throw Bad(Path, $"variant {v + 1}: phased flag {phased} is neither 0 nor 1");
        if (bits is < 1 or > 32) throw Bad(Path, $"variant {v + 1}: {bits} bits per probability (BGEN allows 1 to 32)");
        long values = 0;
        for (var i = 0; i < SampleCount; i++) values += ValuesPerSample(block[8 + i] & 0x3F);
        var needed = 10L + SampleCount + (values * bits + 7) / 8;
        if (block.Length - 8 != needed)
            throw Bad(Path, $"variant {v + 1}: genotype block has {block.Length - 8} bytes, its ploidies and {bits}-bit probabilities need {needed}");
        return new Layout(bits, phased == 1, 10 + SampleCount);
    }

    // Reads and decompresses one genotype block; the result has 8 zero bytes of padding for 64-bit bit reads.
    private byte[] ReadBlock(long v)
    {
        var at = _blockStart[v];
        var lengths = ReadUInt32s(Path, _handle, at, Length, (int)v, Compression == BgenCompression.None ? 1 : 2);
        // Both lengths are checked before anything of their size is allocated (found by fuzzing: a length below 4
        // overflowed, one past the file's end was allocated before the read failed).
        if (lengths[0] > Length - at - 4) throw Bad(Path, $"variant {v + 1}: genotype block of {lengths[0]:N0} bytes runs past the end of the file");
        var stored = (int)lengths[0];
        if (Compression == BgenCompression.None)
        {
            var plain = new byte[stored + 8];
            ReadExactly(plain.AsSpan(0, stored), at + 4, v);
            return plain;
        }
        if (stored < 4) throw Bad(Path, $"variant {v + 1}: compressed genotype block of {stored} bytes, shorter than its 4-byte length field");
        var largest = 10 + 9L * SampleCount;  // ploidy 2, 32-bit probabilities: 10 + N ploidy bytes + 8 N
        if (lengths[1] > largest)
            throw Bad(Path, $"variant {v + 1}: genotype block declares {lengths[1]:N0} bytes decompressed; {SampleCount:N0} bi-allelic samples need at most {largest:N0}");
        var size = (int)lengths[1];
        var compressed = new byte[stored - 4];
        ReadExactly(compressed, at + 8, v);
        var output = new byte[size + 8];
        int written;
        try
        {
            if (Compression == BgenCompression.Zlib)
            {
                using var zlib = new ZLibStream(new MemoryStream(compressed), CompressionMode.Decompress);
                written = 0;
                int n;
                while (written < size && (n = zlib.Read(output, written, size - written)) > 0) written += n;
                if (zlib.ReadByte() >= 0) written = size + 1;
            }
            else
            {
                using var zstd = new ZstdSharp.Decompressor();
                written = zstd.Unwrap(compressed, output.AsSpan(0, size));
            }
        }
        catch (Exception e) when (e is InvalidDataException or ZstdSharp.ZstdException or ArgumentException or IOException)  // ZLibException is an IOException
        {
            throw Bad(Path, $"variant {v + 1}: corrupt {Compression} genotype block ({e.Message})");
        }
        if (written != size) throw Bad(Path, $"variant {v + 1}: genotype block decompresses to {(written > size ? "more" : written.ToString(System.Globalization.CultureInfo.InvariantCulture))} bytes, its header says {size}");
        return output;
    }

    private void ReadExactly(Span<byte> target, long offset, long v)
    {
        while (target.Length > 0)
        {
            var n = RandomAccess.Read(_handle, target, offset);
            if (n <= 0) throw Bad(Path, $"variant {v + 1}: file ended early (was it truncated while reading?)");
            target = target[n..];
            offset += n;
        }
    }

    // The index-th value of 'bits' bits, packed little-endian from byte 'at' (block padded by 8 bytes).
    private static ulong Bits(byte[] block, int at, long index, int bits)
    {
        var bit = index * bits;
        var word = BinaryPrimitives.ReadUInt64LittleEndian(block.AsSpan(at + (int)(bit >> 3)));
        return (word >> (int)(bit & 7)) & ((1UL << bits) - 1);
    }

    private static UserInputException Bad(string path, string problem) => new($"{path}: {problem}");

    public void Dispose() => _handle.Dispose();

    // Reads length-prefixed fields of an identifying block through a window, checking each against the file length.
    private sealed class HeaderReader(string path, SafeFileHandle handle, long at, long length, int v, byte[] window)
    {
        private long _windowStart = -1;
        private int _windowLength;

        public long Position { get; private set; } = at;

        public string String16() => Text(UInt16());

        public string String32() => Text(UInt32());

        public long UInt16() => BinaryPrimitives.ReadUInt16LittleEndian(Take(2));

        public long UInt32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

        private string Text(long size)
        {
            if (Position + size > length) throw Bad(path, $"variant {v + 1}: a {size}-byte field runs past the end of the file");
            if (size > window.Length)
            {
                var big = new byte[size];
                if (RandomAccess.Read(handle, big, Position) < size) throw Bad(path, $"variant {v + 1}: file ends inside a field");
                Position += size;
                return Encoding.UTF8.GetString(big);
            }
            return Encoding.UTF8.GetString(Take((int)size));
        }

        private ReadOnlySpan<byte> Take(int size)
        {
            if (Position + size > length) throw Bad(path, $"variant {v + 1}: identifying block runs past the end of the file");
            if (_windowStart < 0 || Position < _windowStart || Position + size > _windowStart + _windowLength)
            {
                _windowStart = Position;
                _windowLength = RandomAccess.Read(handle, window, Position);
                if (_windowLength < size) throw Bad(path, $"variant {v + 1}: file ends inside the identifying block");
            }
            var span = window.AsSpan((int)(Position - _windowStart), size);
            Position += size;
            return span;
        }
    }
}
