using System.Buffers.Binary;
using System.IO.Compression;
using LabelFree.Core.Errors;
using LabelFree.Data.Imaging;
using LabelFree.TestKit;

namespace LabelFree.Data.Tests.Imaging;

public class NiftiTests
{
    [Fact]
    [Trait(Category.Name, Category.Slow)]
    public void Reads_the_bundled_Colin27_brain()
    {
        var image = NiftiReader.Read(RepoData.File("imaging/ch2bet.nii.gz"));

        Assert.Equal([181, 217, 181], image.Shape);
        Assert.Equal(NiftiDatatype.UInt8, image.Datatype);
        Assert.Equal([1.0, 1.0, 1.0], image.Spacing);
        // The sform as nibabel 5.0 reports it: 1 mm voxels, origin at voxel (90, 125, 71).
        Assert.Equal([1, 0, 0, -90, 0, 1, 0, -125, 0, 0, 1, -71, 0, 0, 0, 1], image.Affine);
        Assert.InRange(image.Data.Count(v => v > 0), 1_000_000, 2_500_000);
    }

    [Fact]
    public void Reads_the_bundled_ITK_head_with_its_oblique_axes()
    {
        var image = NiftiReader.Read(RepoData.File("imaging/KmeansTest_T1UCharRaw.nii.gz"));

        Assert.Equal([128, 128, 62], image.Shape);
        Assert.Equal([2.0, 2.0, 3.0], image.Spacing);
        Assert.Equal([-2, 0, 0, 0, 0, 0, 3, -254, 0, 2, 0, 0, 0, 0, 0, 1], image.Affine.Select(v => Math.Round(v, 4) + 0.0));  // nibabel's affine
    }

    [Fact]
    public void Writes_and_reads_back_values_shape_and_affine()
    {
        using var folder = new TempFolder();
        var data = Enumerable.Range(0, 4 * 3 * 2).Select(i => i * 0.5f - 3).ToArray();
        double[] affine = [0, -2, 0, 10, 0, 0, 3, -5, 1.5, 0, 0, 7, 0, 0, 0, 1];
        var image = NiftiImage.Create([4, 3, 2], data, [1.5, 2, 3], affine);

        foreach (var name in new[] { "a.nii", "a.nii.gz" })
        {
            NiftiWriter.Write(folder[name], image);
            var read = NiftiReader.Read(folder[name]);
            Assert.Equal(image.Shape, read.Shape);
            Assert.Equal(data, read.Data);
            Assert.Equal(affine, read.Affine.Select(v => Math.Round(v, 5)));
        }
    }

    [Fact]
    public void The_qform_written_alone_gives_the_same_affine()
    {
        // Rotated 90 degrees about z with a flipped axis: qfac = -1.
        using var folder = new TempFolder();
        double[] affine = [0, -2, 0, 10, 2, 0, 0, -5, 0, 0, -2, 7, 0, 0, 0, 1];
        NiftiWriter.Write(folder["q.nii"], NiftiImage.Create([2, 2, 2], new float[8], [2, 2, 2], affine));
        var bytes = File.ReadAllBytes(folder["q.nii"]);
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(254), 0);  // sform_code = 0: the reader must use the qform
        File.WriteAllBytes(folder["q.nii"], bytes);

        Assert.Equal(affine, NiftiReader.Read(folder["q.nii"]).Affine.Select(v => Math.Round(v, 5)));
    }

    [Fact]
    public void Reads_big_endian_files_and_applies_the_scaling()
    {
        using var folder = new TempFolder();
        var header = new byte[352];
        var span = header.AsSpan();
        BinaryPrimitives.WriteInt32BigEndian(span, 348);
        short[] dims = [3, 2, 2, 1, 1, 1, 1, 1];
        for (var i = 0; i < 8; i++) BinaryPrimitives.WriteInt16BigEndian(span[(40 + 2 * i)..], dims[i]);
        BinaryPrimitives.WriteInt16BigEndian(span[70..], (short)NiftiDatatype.Int16);
        BinaryPrimitives.WriteInt16BigEndian(span[72..], 16);
        for (var i = 0; i < 4; i++) BinaryPrimitives.WriteSingleBigEndian(span[(76 + 4 * i)..], 1f);
        BinaryPrimitives.WriteSingleBigEndian(span[108..], 352f);
        BinaryPrimitives.WriteSingleBigEndian(span[112..], 2f);   // scl_slope
        BinaryPrimitives.WriteSingleBigEndian(span[116..], -1f);  // scl_inter
        "n+1"u8.CopyTo(span[344..]);
        var voxels = new byte[8];
        short[] values = [1, -2, 300, 0];
        for (var i = 0; i < 4; i++) BinaryPrimitives.WriteInt16BigEndian(voxels.AsSpan(2 * i), values[i]);
        File.WriteAllBytes(folder["be.nii"], [.. header, .. voxels]);

        Assert.Equal([1f, -5f, 599f, -1f], NiftiReader.Read(folder["be.nii"]).Data);
    }

    public static TheoryData<string, Action<byte[]>> Corruptions => new()
    {
        { "sizeof_hdr", h => BinaryPrimitives.WriteInt32LittleEndian(h, 123) },
        { "dim[2]", h => BinaryPrimitives.WriteInt16LittleEndian(h.AsSpan(44), -4) },
        { "more than this reader holds", h => { for (var i = 1; i <= 4; i++) BinaryPrimitives.WriteInt16LittleEndian(h.AsSpan(40 + 2 * i), 30000); BinaryPrimitives.WriteInt16LittleEndian(h.AsSpan(40), 4); } },
        { "data truncated", h => BinaryPrimitives.WriteInt16LittleEndian(h.AsSpan(42), 2000) },
        { "unsupported datatype", h => BinaryPrimitives.WriteInt16LittleEndian(h.AsSpan(70), 1536) },
        { "magic", h => h[344] = (byte)'x' },
        { "voxel size 1E+30 x 1 x 1 mm is outside", h => BinaryPrimitives.WriteSingleLittleEndian(h.AsSpan(80), 1e30f) },
        { "the affine is singular", h => { float[] parallel = [1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 1, 0]; for (var i = 0; i < 12; i++) BinaryPrimitives.WriteSingleLittleEndian(h.AsSpan(280 + 4 * i), parallel[i]); BinaryPrimitives.WriteInt16LittleEndian(h.AsSpan(254), 1); } },
        { "non-finite", h => { BinaryPrimitives.WriteSingleLittleEndian(h.AsSpan(280), float.NaN); BinaryPrimitives.WriteInt16LittleEndian(h.AsSpan(254), 1); } },
    };

    [Theory]
    [MemberData(nameof(Corruptions))]
    public void A_corrupt_header_is_one_user_error_line_naming_the_file(string problem, Action<byte[]> corrupt)
    {
        using var folder = new TempFolder();
        NiftiWriter.Write(folder["ok.nii"], NiftiImage.Create([4, 4, 4], new float[64]));
        var bytes = File.ReadAllBytes(folder["ok.nii"]);
        corrupt(bytes);
        File.WriteAllBytes(folder["bad.nii"], bytes);
        using (var gz = new GZipStream(File.Create(folder["bad.nii.gz"]), CompressionLevel.Fastest)) gz.Write(bytes);

        foreach (var name in new[] { "bad.nii", "bad.nii.gz" })
        {
            var error = Assert.Throws<UserInputException>(() => NiftiReader.Read(folder[name]));
            Assert.StartsWith(folder[name], error.Message);
            Assert.True(error.Message.Contains(problem, StringComparison.Ordinal), error.Message);
            Assert.DoesNotContain('\n', error.Message);
        }
    }

    [Fact]
    public void A_truncated_gzip_stream_is_a_user_error()
    {
        using var folder = new TempFolder();
        NiftiWriter.Write(folder["ok.nii.gz"], NiftiImage.Create([16, 16, 16], Enumerable.Range(0, 4096).Select(i => (float)i).ToArray()));
        var bytes = File.ReadAllBytes(folder["ok.nii.gz"]);
        File.WriteAllBytes(folder["cut.nii.gz"], bytes[..(bytes.Length / 2)]);

        var error = Assert.Throws<UserInputException>(() => NiftiReader.Read(folder["cut.nii.gz"]));
        Assert.StartsWith(folder["cut.nii.gz"], error.Message);
    }

    [Fact]
    public void A_missing_file_is_a_user_error()
    {
        var error = Assert.Throws<UserInputException>(() => NiftiReader.Read("/nonexistent/scan.nii.gz"));
        Assert.Equal("/nonexistent/scan.nii.gz: NIfTI file not found", error.Message);
    }
}
