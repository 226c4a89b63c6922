using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using LabelFree.Core.IO;

namespace LabelFree.Data.Genotypes;

/// <summary>How <see cref="BgenWriter"/> stores probabilities: bits per value (1-32), compression, phased or not,
/// and whether the sample identifiers go into the file (header flag bit 31).</summary>
public sealed record BgenWriteOptions(int Bits = 8, BgenCompression Compression = BgenCompression.Zlib, bool Phased = false, bool SampleIdentifiers = true);

/// <summary>
/// One variant to write: per sample two stored probabilities (unphased diploid: P(11), P(12); phased: P(haplotype 1
/// carries allele 1), P(haplotype 2 carries allele 1)), and which samples are missing (their values are written as 0).
/// </summary>
public sealed record BgenRecord(BgenVariant Variant, double[] Values, bool[]? Missing = null);

/// <summary>
/// Writes BGEN v1.2 (zlib or none) / v1.3 (zstd) files, layout 2, biallelic diploid samples, for simulations, fixtures
/// and benchmarks. Probabilities are rounded to multiples of 1/(2^bits - 1); an unphased sample's two stored values are
/// reduced so that they never exceed 1 together.
/// </summary>
public static class BgenWriter
{
    public static void Write(string path, IReadOnlyList<string> sampleIds, int variantCount, IEnumerable<BgenRecord> records, BgenWriteOptions options)
    {
        if (options.Bits is < 1 or > 32) throw new ArgumentOutOfRangeException(nameof(options), options.Bits, "bits must be 1 to 32");
        AtomicFile.Write(path, stream =>
        {
            var n = sampleIds.Count;
            var idBlock = new MemoryStream();
            if (options.SampleIdentifiers)
            {
                var ids = sampleIds.Select(Encoding.UTF8.GetBytes).ToArray();
                WriteUInt32(idBlock, (uint)(8 + ids.Sum(i => 2 + i.Length)));
                WriteUInt32(idBlock, (uint)n);
                foreach (var id in ids)
                {
                    WriteUInt16(idBlock, (ushort)id.Length);
                    idBlock.Write(id);
                }
            }
            const uint headerLength = 20;
            WriteUInt32(stream, headerLength + (uint)idBlock.Length);
            WriteUInt32(stream, headerLength);
            WriteUInt32(stream, (uint)variantCount);
            WriteUInt32(stream, (uint)n);
            stream.Write("bgen"u8);
            var flags = (uint)options.Compression | (2u << 2) | (options.SampleIdentifiers ? 1u << 31 : 0);
            WriteUInt32(stream, flags);
            idBlock.Position = 0;
            idBlock.CopyTo(stream);
            var written = 0;
            foreach (var record in records)
            {
                WriteVariant(stream, record, n, options);
                written++;
            }
            if (written != variantCount) throw new ArgumentException($"{written} records for a header of {variantCount} variants", nameof(records));
        });
    }

    private static void WriteVariant(Stream stream, BgenRecord record, int n, BgenWriteOptions options)
    {
        var v = record.Variant;
        WriteString16(stream, v.Id);
        WriteString16(stream, v.Rsid);
        WriteString16(stream, v.Chrom);
        WriteUInt32(stream, (uint)v.Position);
        WriteUInt16(stream, 2);
        WriteString32(stream, v.Allele1);
        WriteString32(stream, v.Allele2);
        if (record.Values.Length != 2 * n) throw new ArgumentException($"variant {v.Rsid}: {record.Values.Length} values for {n} samples", nameof(record));

        var bits = options.Bits;
        var max = (1UL << bits) - 1;
        var body = new byte[10 + n + (2L * n * bits + 7) / 8 + 8];
        BinaryPrimitives.WriteUInt32LittleEndian(body, (uint)n);
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(4), 2);
        body[6] = 2;
        body[7] = 2;
        var at = 10 + n;
        body[8 + n] = (byte)(options.Phased ? 1 : 0);
        body[9 + n] = (byte)bits;
        for (var i = 0; i < n; i++)
        {
            var missing = record.Missing?[i] == true;
            body[8 + i] = (byte)(missing ? 0x82 : 2);
            var a = missing ? 0 : Quantize(record.Values[2 * i], max);
            var b = missing ? 0 : Quantize(record.Values[2 * i + 1], max);
            if (!options.Phased && a + b > max) b = max - a;
            Put(body, at, 2L * i, bits, a);
            Put(body, at, 2L * i + 1, bits, b);
        }
        var plain = body.AsSpan(0, body.Length - 8);
        switch (options.Compression)
        {
            case BgenCompression.None:
                WriteUInt32(stream, (uint)plain.Length);
                stream.Write(plain);
                break;
            case BgenCompression.Zlib:
                var zlibbed = new MemoryStream();
                using (var z = new ZLibStream(zlibbed, CompressionLevel.Optimal, leaveOpen: true)) z.Write(plain);
                WriteUInt32(stream, (uint)(zlibbed.Length + 4));
                WriteUInt32(stream, (uint)plain.Length);
                stream.Write(zlibbed.GetBuffer().AsSpan(0, (int)zlibbed.Length));
                break;
            default:
                using (var zstd = new ZstdSharp.Compressor(3))
                {
                    var packed = zstd.Wrap(plain);
                    WriteUInt32(stream, (uint)(packed.Length + 4));
                    WriteUInt32(stream, (uint)plain.Length);
                    stream.Write(packed);
                }
                break;
        }
    }

    private static ulong Quantize(double p, ulong max)
    {
        if (!(p >= 0 && p <= 1)) throw new ArgumentOutOfRangeException(nameof(p), p, "probabilities must lie in [0, 1]");
        return (ulong)Math.Round(p * max, MidpointRounding.AwayFromZero);
    }

    // Writes value number 'index' of 'bits' bits, little-endian bit order, into 'body' from byte 'at'.
    private static void Put(byte[] body, int at, long index, int bits, ulong value)
    {
        var bit = index * bits;
        var span = body.AsSpan(at + (int)(bit >> 3), 8);
        var word = BinaryPrimitives.ReadUInt64LittleEndian(span) | (value << (int)(bit & 7));
        BinaryPrimitives.WriteUInt64LittleEndian(span, word);
    }

    private static void WriteUInt32(Stream s, uint value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, value);
        s.Write(b);
    }

    private static void WriteUInt16(Stream s, ushort value)
    {
        Span<byte> b = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(b, value);
        s.Write(b);
    }

    private static void WriteString16(Stream s, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        WriteUInt16(s, (ushort)bytes.Length);
        s.Write(bytes);
    }

    private static void WriteString32(Stream s, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        WriteUInt32(s, (uint)bytes.Length);
        s.Write(bytes);
    }
}
