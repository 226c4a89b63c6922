using System.Buffers.Binary;
using System.IO.Compression;
using LabelFree.Core.IO;

namespace LabelFree.Data.Imaging;

/// <summary>
/// Writes single-file NIfTI-1 (.nii or, by extension, .nii.gz), little-endian, atomically. The affine goes into the
/// sform (code 2, aligned) and, where its axes are orthogonal, into the qform (code 2) as well.
/// </summary>
public static class NiftiWriter
{
    private const int HeaderSize = 348;
    private const int VoxOffset = 352;

    /// <summary>NIFTI_INTENT_VECTOR: each voxel holds a vector along dimension 5.</summary>
    public const short VectorIntent = 1007;

    /// <param name="datatype">On-disk type; values are rounded and clamped for integer types. Defaults to the image's.</param>
    /// <param name="intent">NIfTI intent code (e.g. <see cref="VectorIntent"/> for a displacement field of shape x,y,z,1,3).</param>
    public static void Write(string path, NiftiImage image, NiftiDatatype? datatype = null, string description = "LabelFree", short intent = 0)
    {
        var type = datatype ?? image.Datatype;
        var header = BuildHeader(image, type, description, intent);
        var data = Encode(image.Data, type);
        AtomicFile.Write(path, output =>
        {
            using Stream target = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)
                ? new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true)
                : new NonClosing(output);
            target.Write(header);
            target.Write(new byte[VoxOffset - HeaderSize]);  // no extensions
            target.Write(data);
        });
    }

    private static byte[] BuildHeader(NiftiImage image, NiftiDatatype type, string description, short intent)
    {
        var h = new byte[HeaderSize];
        var span = h.AsSpan();
        BinaryPrimitives.WriteInt32LittleEndian(span, HeaderSize);
        h[38] = (byte)'r';  // "regular", as nibabel writes it
        var rank = 3;
        for (var axis = 3; axis < image.Shape.Length; axis++) if (image.Shape[axis] > 1) rank = axis + 1;
        BinaryPrimitives.WriteInt16LittleEndian(span[40..], (short)rank);
        for (var i = 0; i < 7; i++)
            BinaryPrimitives.WriteInt16LittleEndian(span[(42 + 2 * i)..], (short)(i < image.Shape.Length ? image.Shape[i] : 1));
        BinaryPrimitives.WriteInt16LittleEndian(span[68..], intent);
        BinaryPrimitives.WriteInt16LittleEndian(span[70..], (short)type);
        BinaryPrimitives.WriteInt16LittleEndian(span[72..], (short)(8 * NiftiDatatypes.BytesPerVoxel(type)));

        var (quaternion, qfac, orthogonal) = Quaternion(image.Affine);
        double[] pixdim = [qfac, image.Spacing[0], image.Spacing[1], image.Spacing[2], 1, 1, 1, 1];
        for (var i = 0; i < 8; i++) BinaryPrimitives.WriteSingleLittleEndian(span[(76 + 4 * i)..], (float)pixdim[i]);
        BinaryPrimitives.WriteSingleLittleEndian(span[108..], VoxOffset);
        BinaryPrimitives.WriteSingleLittleEndian(span[112..], 1f);  // scl_slope
        h[123] = 2 | 8;  // xyzt_units: mm and s
        var text = System.Text.Encoding.ASCII.GetBytes(description);
        text.AsSpan(0, Math.Min(text.Length, 79)).CopyTo(span[148..]);
        BinaryPrimitives.WriteInt16LittleEndian(span[252..], (short)(orthogonal ? 2 : 0));
        BinaryPrimitives.WriteInt16LittleEndian(span[254..], 2);
        for (var i = 0; i < 6; i++) BinaryPrimitives.WriteSingleLittleEndian(span[(256 + 4 * i)..], (float)quaternion[i]);
        for (var i = 0; i < 12; i++) BinaryPrimitives.WriteSingleLittleEndian(span[(280 + 4 * i)..], (float)image.Affine[i]);
        "n+1"u8.CopyTo(span[344..]);
        return h;
    }

    /// <summary>The qform parameters (b, c, d, offset x, y, z), qfac, and whether the affine's axes are orthogonal.</summary>
    private static (double[] Quaternion, double Qfac, bool Orthogonal) Quaternion(double[] affine)
    {
        var r = new double[3, 3];
        for (var col = 0; col < 3; col++)
        {
            var norm = Math.Sqrt(Enumerable.Range(0, 3).Sum(row => affine[row * 4 + col] * affine[row * 4 + col]));
            for (var row = 0; row < 3; row++) r[row, col] = norm > 0 ? affine[row * 4 + col] / norm : row == col ? 1 : 0;
        }
        var orthogonal = true;
        for (var i = 0; i < 3; i++)
            for (var j = i + 1; j < 3; j++)
                orthogonal &= Math.Abs(r[0, i] * r[0, j] + r[1, i] * r[1, j] + r[2, i] * r[2, j]) < 1e-4;
        var det = r[0, 0] * (r[1, 1] * r[2, 2] - r[1, 2] * r[2, 1]) - r[0, 1] * (r[1, 0] * r[2, 2] - r[1, 2] * r[2, 0]) + r[0, 2] * (r[1, 0] * r[2, 1] - r[1, 1] * r[2, 0]);
        var qfac = det < 0 ? -1.0 : 1.0;
        if (qfac < 0) for (var row = 0; row < 3; row++) r[row, 2] = -r[row, 2];

        // Rotation matrix to unit quaternion (a, b, c, d) with a >= 0, as nifti1_io does.
        double a, b, c, d;
        var trace = r[0, 0] + r[1, 1] + r[2, 2] + 1;
        if (trace > 0.5)
        {
            a = 0.5 * Math.Sqrt(trace);
            b = 0.25 * (r[2, 1] - r[1, 2]) / a;
            c = 0.25 * (r[0, 2] - r[2, 0]) / a;
            d = 0.25 * (r[1, 0] - r[0, 1]) / a;
        }
        else
        {
            var xd = 1 + r[0, 0] - (r[1, 1] + r[2, 2]);
            var yd = 1 + r[1, 1] - (r[0, 0] + r[2, 2]);
            var zd = 1 + r[2, 2] - (r[0, 0] + r[1, 1]);
            if (xd > 1)
            {
                b = 0.5 * Math.Sqrt(xd);
                c = 0.25 * (r[0, 1] + r[1, 0]) / b;
                d = 0.25 * (r[0, 2] + r[2, 0]) / b;
                a = 0.25 * (r[2, 1] - r[1, 2]) / b;
            }
            else if (yd > 1)
            {
                c = 0.5 * Math.Sqrt(yd);
                b = 0.25 * (r[0, 1] + r[1, 0]) / c;
                d = 0.25 * (r[1, 2] + r[2, 1]) / c;
                a = 0.25 * (r[0, 2] - r[2, 0]) / c;
            }
            else
            {
                d = 0.5 * Math.Sqrt(zd);
                b = 0.25 * (r[0, 2] + r[2, 0]) / d;
                c = 0.25 * (r[1, 2] + r[2, 1]) / d;
                a = 0.25 * (r[1, 0] - r[0, 1]) / d;
            }
            if (a < 0) (b, c, d) = (-b, -c, -d);
        }
        return ([b, c, d, affine[3], affine[7], affine[11]], qfac, orthogonal);
    }

    private static byte[] Encode(float[] values, NiftiDatatype type)
    {
        var size = NiftiDatatypes.BytesPerVoxel(type);
        var bytes = new byte[(long)values.Length * size];
        var span = bytes.AsSpan();
        for (var i = 0; i < values.Length; i++)
        {
            var v = values[i];
            switch (type)
            {
                case NiftiDatatype.UInt8: span[i] = (byte)Math.Clamp(MathF.Round(v), 0, 255); break;
                case NiftiDatatype.Int8: span[i] = (byte)(sbyte)Math.Clamp(MathF.Round(v), -128, 127); break;
                case NiftiDatatype.Int16: BinaryPrimitives.WriteInt16LittleEndian(span[(2 * i)..], (short)Math.Clamp(MathF.Round(v), short.MinValue, short.MaxValue)); break;
                case NiftiDatatype.UInt16: BinaryPrimitives.WriteUInt16LittleEndian(span[(2 * i)..], (ushort)Math.Clamp(MathF.Round(v), 0, ushort.MaxValue)); break;
                case NiftiDatatype.Int32: BinaryPrimitives.WriteInt32LittleEndian(span[(4 * i)..], (int)Math.Clamp(Math.Round((double)v), int.MinValue, int.MaxValue)); break;
                case NiftiDatatype.UInt32: BinaryPrimitives.WriteUInt32LittleEndian(span[(4 * i)..], (uint)Math.Clamp(Math.Round((double)v), 0, uint.MaxValue)); break;
                case NiftiDatatype.Int64: BinaryPrimitives.WriteInt64LittleEndian(span[(8 * i)..], (long)Math.Round((double)v)); break;
                case NiftiDatatype.Float32: BinaryPrimitives.WriteSingleLittleEndian(span[(4 * i)..], v); break;
                case NiftiDatatype.Float64: BinaryPrimitives.WriteDoubleLittleEndian(span[(8 * i)..], v); break;
            }
        }
        return bytes;
    }

    /// <summary>Lets the uncompressed path share the gzip path's using-block without closing the atomic writer's stream.</summary>
    private sealed class NonClosing(Stream inner) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
        public override void Write(ReadOnlySpan<byte> buffer) => inner.Write(buffer);
    }
}
