using System.Buffers.Binary;
using System.IO.Compression;
using LabelFree.Core.Errors;

namespace LabelFree.Data.Imaging;

/// <summary>
/// Reads NIfTI-1 and NIfTI-2 single files (.nii, .nii.gz), either byte order. Every header field that decides an
/// allocation is checked first (sizeof_hdr, dimensions, their product, the data's extent against the file), so a corrupt
/// or hostile file gives one <see cref="UserInputException"/> line and never a crash or a huge allocation.
/// </summary>
public static class NiftiReader
{
    /// <summary>Refuse volumes beyond this many voxels (a float[] in .NET holds at most about 2^31).</summary>
    public const long MaxVoxels = int.MaxValue - 64;

    public static NiftiImage Read(string path)
    {
        UserInputException.RequireFile(path, "NIfTI file");
        var compressed = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase);
        try
        {
            using var file = File.OpenRead(path);
            using Stream stream = compressed ? new GZipStream(file, CompressionMode.Decompress) : file;
            var header = ReadHeader(stream, path);
            var dataBytes = header.VoxelCount * NiftiDatatypes.BytesPerVoxel(header.Datatype);
            CheckExtent(path, file, compressed, header.VoxOffset + dataBytes);
            Skip(stream, header.VoxOffset - header.HeaderBytes, path);
            var raw = new byte[dataBytes];
            if (ReadFully(stream, raw) != raw.Length) throw Bad(path, $"data truncated: expected {dataBytes} bytes after offset {header.VoxOffset}");
            return new NiftiImage(header.Shape, Decode(raw, header), header.Spacing, header.Affine, header.Datatype);
        }
        catch (InvalidDataException e)
        {
            throw Bad(path, $"corrupt gzip stream ({e.Message})");
        }
        catch (EndOfStreamException)
        {
            throw Bad(path, "file ends inside the header");
        }
    }

    /// <summary>Reads a 3-D volume: a file holding several volumes (a 4-D series) is refused, naming the file.</summary>
    public static NiftiImage ReadVolume(string path)
    {
        var image = Read(path);
        if (image.T > 1) throw new UserInputException($"{path}: expected a 3-D volume, got {image.T} volumes");
        return image;
    }

    /// <summary>The header alone (shape, spacing, affine, datatype), without reading voxels.</summary>
    public static NiftiHeader ReadHeader(string path)
    {
        UserInputException.RequireFile(path, "NIfTI file");
        using var file = File.OpenRead(path);
        using Stream stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : file;
        try
        {
            return ReadHeader(stream, path);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
        {
            throw Bad(path, "file ends inside the header or is not gzip");
        }
    }

    private static NiftiHeader ReadHeader(Stream stream, string path)
    {
        var first = new byte[4];
        stream.ReadExactly(first);
        var little = BinaryPrimitives.ReadInt32LittleEndian(first);
        var big = BinaryPrimitives.ReadInt32BigEndian(first);
        var (size, isLittle) = little is 348 or 540 ? (little, true) : big is 348 or 540 ? (big, false) : (0, true);
        if (size == 0) throw Bad(path, $"sizeof_hdr is {little}, expected 348 (NIfTI-1) or 540 (NIfTI-2)");
        var bytes = new byte[size];
        first.CopyTo(bytes, 0);
        stream.ReadExactly(bytes, 4, size - 4);
        var header = new HeaderBytes(bytes, isLittle);
        return size == 348 ? ParseNifti1(header, path) : ParseNifti2(header, path);
    }

    private static NiftiHeader ParseNifti1(HeaderBytes h, string path)
    {
        var magic = h.Ascii(344, 4);
        if (magic is not ("n+1" or "ni1")) throw Bad(path, $"magic is '{magic}', expected 'n+1' (single-file NIfTI-1)");
        if (magic == "ni1") throw Bad(path, "a two-file NIfTI (.hdr/.img) pair; give a single .nii or .nii.gz file");
        var dims = Enumerable.Range(0, 8).Select(i => (long)h.Int16(40 + 2 * i)).ToArray();
        var pixdim = Enumerable.Range(0, 8).Select(i => (double)h.Single(76 + 4 * i)).ToArray();
        var quatern = Enumerable.Range(0, 6).Select(i => (double)h.Single(256 + 4 * i)).ToArray();
        var srow = Enumerable.Range(0, 12).Select(i => (double)h.Single(280 + 4 * i)).ToArray();
        return Build(path, 348, h.Int16(70), dims, pixdim, (long)h.Single(108), h.Single(112), h.Single(116),
            h.Int16(252), h.Int16(254), quatern, srow) with { LittleEndianData = h.Little };
    }

    private static NiftiHeader ParseNifti2(HeaderBytes h, string path)
    {
        var magic = h.Ascii(4, 3);
        if (magic is not ("n+2" or "ni2")) throw Bad(path, $"magic is '{magic}', expected 'n+2' (single-file NIfTI-2)");
        if (magic == "ni2") throw Bad(path, "a two-file NIfTI-2 (.hdr/.img) pair; give a single .nii or .nii.gz file");
        var dims = Enumerable.Range(0, 8).Select(i => h.Int64(16 + 8 * i)).ToArray();
        var pixdim = Enumerable.Range(0, 8).Select(i => h.Double(104 + 8 * i)).ToArray();
        var quatern = Enumerable.Range(0, 6).Select(i => h.Double(352 + 8 * i)).ToArray();
        var srow = Enumerable.Range(0, 12).Select(i => h.Double(400 + 8 * i)).ToArray();
        return Build(path, 540, h.Int16(12), dims, pixdim, h.Int64(168), h.Double(176), h.Double(184),
            h.Int32(344), h.Int32(348), quatern, srow) with { LittleEndianData = h.Little };
    }

    private static NiftiHeader Build(string path, int headerBytes, short datatype, long[] dims, double[] pixdim, long voxOffset,
        double slope, double inter, int qformCode, int sformCode, double[] quatern, double[] srow)
    {
        if (!NiftiDatatypes.IsKnown(datatype)) throw Bad(path, $"unsupported datatype code {datatype}");
        var rank = dims[0];
        if (rank is < 1 or > 7) throw Bad(path, $"dim[0] is {rank}, expected 1 to 7");
        long voxels = 1;
        for (var i = 1; i <= rank; i++)
        {
            if (dims[i] is < 1 or > MaxVoxels) throw Bad(path, $"dim[{i}] is {dims[i]}");
            voxels *= dims[i];
            if (voxels > MaxVoxels) throw Bad(path, $"{string.Join("x", dims.Skip(1).Take((int)rank))} voxels is more than this reader holds");
        }
        // Axes 4 and up: at most one may be longer than 1. A vector image (x, y, z, 1, c), as displacement fields are
        // stored, has the same voxel order as c volumes (x, y, z, c), so it is read as such.
        var extra = dims.Skip(4).Take((int)rank - 3).Where(d => d != 1).ToArray();
        if (extra.Length > 1) throw Bad(path, $"{rank}-D images with more than 4 non-trivial axes are not supported");
        if (voxOffset < headerBytes) voxOffset = headerBytes + 4;  // vox_offset 0 in some writers: data after the extension flag
        var shape = dims.Skip(1).Take((int)Math.Min(rank, 3)).Select(d => (int)d).ToList();
        if (rank > 3) shape.Add(extra.Length == 1 ? (int)extra[0] : 1);
        while (shape.Count < 3) shape.Add(1);
        var spacing = new[] { Positive(pixdim[1]), Positive(pixdim[2]), Positive(pixdim[3]) };
        var affine = sformCode > 0 ? [.. srow, 0, 0, 0, 1]
            : qformCode > 0 ? QuaternionAffine(quatern, spacing, pixdim[0] < 0 ? -1 : 1)
            : new double[] { spacing[0], 0, 0, 0, 0, spacing[1], 0, 0, 0, 0, spacing[2], 0, 0, 0, 0, 1 };
        if (GeometryProblem(spacing, affine) is { } problem) throw Bad(path, problem);
        var scale = slope == 0 || !double.IsFinite(slope) ? (1.0, 0.0) : (slope, double.IsFinite(inter) ? inter : 0);
        return new NiftiHeader([.. shape], voxels, (NiftiDatatype)datatype, spacing, affine, voxOffset, headerBytes, scale.Item1, scale.Item2, qformCode, sformCode);
    }

    /// <summary>The qform affine: rotation from the quaternion (b, c, d), voxel sizes, qfac, then the offset.</summary>
    private static double[] QuaternionAffine(double[] q, double[] spacing, double qfac)
    {
        double b = q[0], c = q[1], d = q[2];
        var a = 1 - (b * b + c * c + d * d);
        if (a < 1e-7)
        {
            var norm = Math.Sqrt(b * b + c * c + d * d);
            (a, b, c, d) = (0, b / norm, c / norm, d / norm);
        }
        else
        {
            a = Math.Sqrt(a);
        }
        double[,] r =
        {
            { a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c) },
            { 2 * (b * c + a * d), a * a + c * c - b * b - d * d, 2 * (c * d - a * b) },
            { 2 * (b * d - a * c), 2 * (c * d + a * b), a * a + d * d - c * c - b * b },
        };
        double[] scale = [spacing[0], spacing[1], spacing[2] * qfac];
        var affine = new double[16];
        for (var row = 0; row < 3; row++)
        {
            for (var col = 0; col < 3; col++) affine[row * 4 + col] = r[row, col] * scale[col];
            affine[row * 4 + 3] = q[3 + row];
        }
        affine[15] = 1;
        return affine;
    }

    private static float[] Decode(byte[] raw, NiftiHeader header)
    {
        var count = (int)header.VoxelCount;
        var values = new float[count];
        var little = BitConverter.IsLittleEndian == header.LittleEndianData;
        var span = raw.AsSpan();
        for (var i = 0; i < count; i++)
        {
            double v = header.Datatype switch
            {
                NiftiDatatype.UInt8 => span[i],
                NiftiDatatype.Int8 => (sbyte)span[i],
                NiftiDatatype.Int16 => little ? BinaryPrimitives.ReadInt16LittleEndian(span[(2 * i)..]) : BinaryPrimitives.ReadInt16BigEndian(span[(2 * i)..]),
                NiftiDatatype.UInt16 => little ? BinaryPrimitives.ReadUInt16LittleEndian(span[(2 * i)..]) : BinaryPrimitives.ReadUInt16BigEndian(span[(2 * i)..]),
                NiftiDatatype.Int32 => little ? BinaryPrimitives.ReadInt32LittleEndian(span[(4 * i)..]) : BinaryPrimitives.ReadInt32BigEndian(span[(4 * i)..]),
                NiftiDatatype.UInt32 => little ? BinaryPrimitives.ReadUInt32LittleEndian(span[(4 * i)..]) : BinaryPrimitives.ReadUInt32BigEndian(span[(4 * i)..]),
                NiftiDatatype.Int64 => little ? BinaryPrimitives.ReadInt64LittleEndian(span[(8 * i)..]) : BinaryPrimitives.ReadInt64BigEndian(span[(8 * i)..]),
                NiftiDatatype.Float32 => little ? BinaryPrimitives.ReadSingleLittleEndian(span[(4 * i)..]) : BinaryPrimitives.ReadSingleBigEndian(span[(4 * i)..]),
                NiftiDatatype.Float64 => little ? BinaryPrimitives.ReadDoubleLittleEndian(span[(8 * i)..]) : BinaryPrimitives.ReadDoubleBigEndian(span[(8 * i)..]),
                _ => throw new InvalidOperationException(),
            };
            values[i] = (float)(v * header.Slope + header.Intercept);
        }
        return values;
    }

    /// <summary>Refuses, before allocating, data that cannot be in the file: its size for .nii, gzip's ISIZE for .nii.gz.</summary>
    private static void CheckExtent(string path, FileStream file, bool compressed, long needed)
    {
        if (!compressed)
        {
            if (file.Length < needed) throw Bad(path, $"data truncated: the header needs {needed} bytes, the file has {file.Length}");
            return;
        }
        if (needed >= 1L << 32 || file.Length < 18) return;  // ISIZE is the size modulo 2^32: only decisive below 4 GiB
        var position = file.Position;
        Span<byte> trailer = stackalloc byte[4];
        file.Seek(-4, SeekOrigin.End);
        file.ReadExactly(trailer);
        file.Seek(position, SeekOrigin.Begin);
        var size = BinaryPrimitives.ReadUInt32LittleEndian(trailer);
        if (size < needed) throw Bad(path, $"data truncated: the header needs {needed} bytes, the gzip stream holds {size}");
    }

    private static void Skip(Stream stream, long count, string path)
    {
        if (count < 0) throw Bad(path, "vox_offset points inside the header");
        var buffer = new byte[Math.Min(count, 1 << 16)];
        while (count > 0)
        {
            var read = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, count));
            if (read == 0) throw Bad(path, "file ends before vox_offset");
            count -= read;
        }
    }

    private static int ReadFully(Stream stream, byte[] buffer)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var read = stream.Read(buffer, total, buffer.Length - total);
            if (read == 0) break;
            total += read;
        }
        return total;
    }

    private static UserInputException Bad(string path, string problem) => new($"{path}: not a readable NIfTI file: {problem}");

    private readonly struct HeaderBytes(byte[] bytes, bool little)
    {
        public short Int16(int at) => little ? BinaryPrimitives.ReadInt16LittleEndian(bytes.AsSpan(at)) : BinaryPrimitives.ReadInt16BigEndian(bytes.AsSpan(at));
        public int Int32(int at) => little ? BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(at)) : BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(at));
        public long Int64(int at) => little ? BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(at)) : BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(at));
        public float Single(int at) => little ? BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(at)) : BinaryPrimitives.ReadSingleBigEndian(bytes.AsSpan(at));
        public double Double(int at) => little ? BinaryPrimitives.ReadDoubleLittleEndian(bytes.AsSpan(at)) : BinaryPrimitives.ReadDoubleBigEndian(bytes.AsSpan(at));
        public string Ascii(int at, int count) => System.Text.Encoding.ASCII.GetString(bytes, at, count).TrimEnd('\0');
        public bool Little => little;
    }

    /// <summary>Voxel sizes beyond this (in mm, or below its inverse) are refused: no scanner writes them, and grids built on them overflow.</summary>
    public const double MaxVoxelSize = 1e6;

    /// <summary>What makes the voxel sizes or the affine unusable (non-finite, absurd sizes, a singular or degenerate 3x3), or null.</summary>
    private static string? GeometryProblem(double[] spacing, double[] affine)
    {
        if (spacing.Any(v => v > MaxVoxelSize || v < 1 / MaxVoxelSize)) return $"voxel size {string.Join(" x ", spacing.Select(v => v.ToString("G4", System.Globalization.CultureInfo.InvariantCulture)))} mm is outside {1 / MaxVoxelSize:G} to {MaxVoxelSize:G}";
        if (affine.Any(v => !double.IsFinite(v))) return "the affine (sform or qform) holds a non-finite value";
        var columns = Enumerable.Range(0, 3).Select(c => Math.Sqrt(Enumerable.Range(0, 3).Sum(r => affine[r * 4 + c] * affine[r * 4 + c]))).ToArray();
        if (columns.Any(n => n > MaxVoxelSize || n < 1 / MaxVoxelSize)) return $"the affine's voxel axes have lengths {string.Join(", ", columns.Select(n => n.ToString("G4", System.Globalization.CultureInfo.InvariantCulture)))} mm, outside {1 / MaxVoxelSize:G} to {MaxVoxelSize:G}";
        double A(int r, int c) => affine[r * 4 + c];
        var determinant = A(0, 0) * (A(1, 1) * A(2, 2) - A(1, 2) * A(2, 1)) - A(0, 1) * (A(1, 0) * A(2, 2) - A(1, 2) * A(2, 0)) + A(0, 2) * (A(1, 0) * A(2, 1) - A(1, 1) * A(2, 0));
        if (Math.Abs(determinant) < 1e-6 * columns[0] * columns[1] * columns[2]) return "the affine is singular (its voxel axes are parallel or flat)";
        return null;
    }

    private static double Positive(double spacing) => spacing > 0 && double.IsFinite(spacing) ? spacing : 1;
}

/// <summary>What a NIfTI header says about its volume.</summary>
public sealed record NiftiHeader(
    int[] Shape,
    long VoxelCount,
    NiftiDatatype Datatype,
    double[] Spacing,
    double[] Affine,
    long VoxOffset,
    int HeaderBytes,
    double Slope,
    double Intercept,
    int QformCode,
    int SformCode)
{
    /// <summary>Whether the voxel data are little-endian (they follow the header's byte order).</summary>
    public bool LittleEndianData { get; init; } = true;
}
