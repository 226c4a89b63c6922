using LabelFree.Core.Errors;
using LabelFree.Data.Genotypes;
using LabelFree.TestKit;

namespace LabelFree.Data.Tests.Genotypes;

public sealed class PlinkFilesetTests
{
    private static readonly FamSample[] Samples = [new("F1", "A"), new("F1", "B", "A", "0"), new("F2", "C"), new("F3", "D"), new("F4", "E")];
    private static readonly BimVariant[] Variants = [new("1", "rs1", 0, 10, "G", "T"), new("1", "rs2", 0.5, 20, "C", "A")];

    [Fact]
    public void Round_trips_through_the_writer()
    {
        using var temp = new TempFolder();
        sbyte[][] dosages = [[2, 1, 0, -1, 2], [0, 0, 1, 1, -1]];
        BedWriter.Write(temp["x"], Samples, Variants, dosages);

        using var fileset = PlinkFileset.Open(temp["x"]);
        var packed = new byte[2 * fileset.Bed.BytesPerVariant];
        fileset.Bed.ReadPacked(0, 2, packed);

        Assert.Equal(5, fileset.Samples.Count);
        Assert.False(fileset.Samples[1].IsFounder);
        Assert.Equal(Variants, fileset.Variants());
        // 2,1,0,missing -> codes 00,10,11,01 (sample 0 lowest): 0b01_11_10_00; then sample 4 (2) -> 00.
        Assert.Equal(new byte[] { 0b01_11_10_00, 0b00, 0b10_10_11_11, 0b01 }, packed);
    }

    [Fact]
    public void A_truncated_bed_is_a_one_line_user_error()
    {
        using var temp = new TempFolder();
        BedWriter.Write(temp["x"], Samples, Variants, [[2, 1, 0, -1, 2], [0, 0, 1, 1, -1]]);
        var bytes = File.ReadAllBytes(temp["x.bed"]);
        File.WriteAllBytes(temp["x.bed"], bytes[..^1]);

        var e = Assert.Throws<UserInputException>(() => PlinkFileset.Open(temp["x"]));
        Assert.Contains("truncated", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Wrong_magic_bytes_are_reported()
    {
        using var temp = new TempFolder();
        BedWriter.Write(temp["x"], Samples, Variants, [[2, 1, 0, -1, 2], [0, 0, 1, 1, -1]]);
        var bytes = File.ReadAllBytes(temp["x.bed"]);
        bytes[2] = 0;
        File.WriteAllBytes(temp["x.bed"], bytes);

        var e = Assert.Throws<UserInputException>(() => PlinkFileset.Open(temp["x"]));
        Assert.Contains("sample-major", e.Message);
    }

    [Fact]
    public void A_missing_member_of_the_fileset_is_named()
    {
        using var temp = new TempFolder();
        BedWriter.Write(temp["x"], Samples, Variants, [[2, 1, 0, -1, 2], [0, 0, 1, 1, -1]]);
        File.Delete(temp["x.bim"]);

        var e = Assert.Throws<UserInputException>(() => PlinkFileset.Open(temp["x"]));
        Assert.Contains("x.bim: not found", e.Message);
    }

    [Fact]
    public void A_short_bim_line_names_file_and_line()
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp["bad.bim"], "1\trs1\t0\t10\tA\tC\n1\trs2\t0\n");

        var e = Assert.Throws<UserInputException>(() => BimFile.Read(temp["bad.bim"]).ToList());
        Assert.Contains("line 2", e.Message);
    }

    [Fact]
    public void A_repeated_sample_id_in_the_fam_names_both_lines()
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp["dup.fam"], "f1 i1 0 0 1 -9\nf1 i2 0 0 1 -9\nf2 i1 0 0 2 -9\nf1 i2 0 0 2 -9\n");

        var e = Assert.Throws<UserInputException>(() => FamFile.Read(temp["dup.fam"]));
        Assert.EndsWith("dup.fam: line 4 repeats sample f1 i2 of line 2 (sample ids must be unique, as plink2 requires)", e.Message);
    }

    [Fact]
    public void A_bad_bim_line_is_found_when_the_fileset_opens()
    {
        using var temp = new TempFolder();
        BedWriter.Write(temp["x"], Samples, Variants, [[2, 1, 0, -1, 2], [0, 0, 1, 1, -1]]);
        File.WriteAllText(temp["x.bim"], "1\trs1\t0\t10\tG\tT\n1\trs2\t0\t2e9x\tC\tA\n");

        var e = Assert.Throws<UserInputException>(() => PlinkFileset.Open(temp["x"]));
        Assert.EndsWith("x.bim: line 2: position '2e9x' is not an integer", e.Message);
    }
}
