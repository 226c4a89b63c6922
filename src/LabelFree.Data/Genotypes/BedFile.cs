using LabelFree.Core.Errors;
using Microsoft.Win32.SafeHandles;

namespace LabelFree.Data.Genotypes;

/// <summary>
/// Random access to a variant-major PLINK 1 .bed file: three magic bytes (0x6c 0x1b 0x01), then per variant
/// ceil(N/4) bytes of 2-bit genotypes, sample 0 in the lowest bits. Codes: 00 hom A1, 01 missing, 10 het, 11 hom A2.
/// Blocks of variants are read with positional reads (no shared file position), so threads may read concurrently and
/// nothing beyond the requested block is held in memory.
/// </summary>
public sealed class BedFile : IDisposable
{
    private static readonly byte[] Magic = [0x6c, 0x1b, 0x01];
    private readonly SafeFileHandle _handle;

    private BedFile(string path, SafeFileHandle handle, int sampleCount, long variantCount)
    {
        Path = path;
        _handle = handle;
        SampleCount = sampleCount;
        VariantCount = variantCount;
        BytesPerVariant = (sampleCount + 3) / 4;
    }

    public string Path { get; }

    public int SampleCount { get; }

    public long VariantCount { get; }

    /// <summary>ceil(N/4): the size of one variant's record.</summary>
    public int BytesPerVariant { get; }

    /// <summary>Opens <paramref name="path"/> and checks its magic bytes and that its size matches N samples x M variants.</summary>
    public static BedFile Open(string path, int sampleCount, long variantCount)
    {
        UserInputException.RequireFile(path, ".bed file");
        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.RandomAccess);
        try
        {
            Span<byte> head = stackalloc byte[3];
            var read = RandomAccess.Read(handle, head, 0);
            if (read < 3 || !head.SequenceEqual(Magic))
                throw new UserInputException(read >= 2 && head[0] == 0x6c && head[1] == 0x1b && head[2] == 0x00
                    ? $"{path}: sample-major .bed files are not supported; convert with plink --make-bed"
                    : $"{path}: not a PLINK 1 .bed file (magic bytes are not 6c 1b 01)");
            var bytesPerVariant = (sampleCount + 3L) / 4;
            var expected = 3 + bytesPerVariant * variantCount;
            var actual = RandomAccess.GetLength(handle);
            if (actual != expected)
                throw new UserInputException(
                    $"{path}: size {actual} bytes does not match {sampleCount} samples x {variantCount} variants ({expected} bytes); " +
                    (actual < expected ? "the file is truncated or the .fam/.bim do not belong to it" : "the .fam/.bim do not belong to it"));
            return new BedFile(path, handle, sampleCount, variantCount);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Copies the packed records of variants [first, first+count) into <paramref name="destination"/>.</summary>
    public void ReadPacked(long first, int count, Span<byte> destination)
    {
        if (first < 0 || count < 0 || first + count > VariantCount)
            throw new ArgumentOutOfRangeException(nameof(count), $"variants {first}..{first + count} outside 0..{VariantCount}");
        var length = checked(count * BytesPerVariant);
        var target = destination[..length];
        var offset = 3 + first * BytesPerVariant;
        while (target.Length > 0)
        {
            var n = RandomAccess.Read(_handle, target, offset);
            if (n <= 0) throw new UserInputException($"{Path}: file ended early (was it truncated while reading?)");
            target = target[n..];
            offset += n;
        }
    }

    public void Dispose() => _handle.Dispose();
}
