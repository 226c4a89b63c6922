using LabelFree.Core.Errors;
using LabelFree.Data.Genotypes;
using LabelFree.Data.Tables;
using LabelFree.TestKit;

namespace LabelFree.Data.Tests.Tables;

public sealed class SampleTableReaderTests
{
    private static readonly FamSample[] Samples = [new("F1", "A"), new("F2", "B"), new("F3", "C")];

    [Theory]
    [InlineData("#FID\tIID\ty\tz\nF2\tB\t1.5\tNA\nF1\tA\t-9\t2\nF9\tX\t1\t1\n")]
    [InlineData("FID IID y z\nF2 B 1.5 NA\nF1 A -9 2\nF9 X 1 1\n")]
    [InlineData("#IID\ty\tz\nB\t1.5\t\nA\tNA\t2\nX\t1\t1\n")]
    public void Reads_plink2_headers_and_matches_samples_by_id(string text)
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp["t.txt"], text);

        var table = SampleTableReader.Read(temp["t.txt"], Samples);

        Assert.Equal(["y", "z"], table.Names);
        Assert.Equal([double.NaN, 1.5, double.NaN], table.Values[0]);
        Assert.Equal([2, double.NaN, double.NaN], table.Values[1]);
        Assert.Equal(1, table.UnmatchedRows);
    }

    [Fact]
    public void Selects_columns_by_name_and_names_an_unknown_one()
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp["t.txt"], "#IID y z\nA 1 2\nB 3 4\nC 5 6\n");

        Assert.Equal([2, 4, 6], SampleTableReader.Read(temp["t.txt"], Samples, ["z"]).Values[0]);
        var e = Assert.Throws<UserInputException>(() => SampleTableReader.Read(temp["t.txt"], Samples, ["w"]));
        Assert.Contains("no column 'w'", e.Message);
    }

    [Fact]
    public void Column_ranges_select_like_plink2()
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp["t.txt"], "#IID P1 P2 P3 P-4\nA 1 2 3 4\nB 3 4 5 6\nC 5 6 7 8\n");

        Assert.Equal(["P2", "P3", "P-4"], SampleTableReader.Read(temp["t.txt"], Samples, ["P2-P3", "P-4"]).Names);
    }

    [Fact]
    public void A_non_numeric_value_names_line_and_column()
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp["t.txt"], "#IID y\nA 1\nB case\n");

        var e = Assert.Throws<UserInputException>(() => SampleTableReader.Read(temp["t.txt"], Samples));
        Assert.Contains("line 3, column 'y': 'case' is not a number", e.Message);
    }

    [Fact]
    public void A_sample_listed_twice_is_an_error()
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp["t.txt"], "#IID y\nA 1\nA 2\n");

        Assert.Throws<UserInputException>(() => SampleTableReader.Read(temp["t.txt"], Samples));
    }
}
