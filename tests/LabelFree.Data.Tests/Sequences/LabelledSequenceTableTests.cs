using LabelFree.Core.Errors;
using LabelFree.Data.Sequences;
using LabelFree.TestKit;

namespace LabelFree.Data.Tests.Sequences;

public class LabelledSequenceTableTests
{
    [Fact]
    public void Reads_a_csv_with_the_default_column_names_and_quoted_fields()
    {
        using var folder = new TempFolder();
        var path = SequenceFiles.Write(folder["t.csv"], "id,sequence,label\n1,\"ACGT\",\"yes, really\"\n2,ttgN,no\n\n");
        var table = LabelledSequenceTable.Read(path);
        Assert.Equal(["ACGT", "TTGN"], table.Sequences.Select(s => s.Text));
        Assert.Equal(["yes, really", "no"], table.Labels);
        Assert.Equal(["row2", "row3"], table.Sequences.Select(s => s.Id));
        Assert.Equal([new Interval(0, 3)], table.Sequences[1].SoftMasked);
        Assert.Equal(["no", "yes, really"], table.Classes);
        Assert.Equal([1, 0], table.ClassCodes());
    }

    [Fact]
    public void Reads_a_gzipped_tsv_with_columns_named_by_parameter()
    {
        using var folder = new TempFolder();
        var path = SequenceFiles.Write(folder["t.tsv.gz"], "name\tdna\tgroup\nx\tAACC\t1\ny\tGGTT\t0\n", gzip: true);
        var table = LabelledSequenceTable.Read(path, sequenceColumn: "dna", labelColumn: "group", idColumn: "name");
        Assert.Equal(["x", "y"], table.Sequences.Select(s => s.Id));
        Assert.Equal(["1", "0"], table.Labels);
    }

    [Theory]
    [InlineData("seq,label\nAC,1\n", "no column 'sequence' (the sequences; columns: seq, label)")]
    [InlineData("sequence,label\nAC,1\nAC\n", ":3: 1 fields, the header has 2")]
    [InlineData("sequence,label\nAC,1\nAXC,0\n", ":3: column 'sequence': 'X' at position 2 is not a nucleotide code")]
    [InlineData("sequence,label\nAC,\n", ":2: empty label")]
    [InlineData("sequence,label\n\"AC,1\n", ":2: a quoted field is not closed")]
    public void Bad_tables_name_the_file_line_and_problem(string text, string problem)
    {
        using var folder = new TempFolder();
        var path = SequenceFiles.Write(folder["t.csv"], text);
        var error = Assert.Throws<UserInputException>(() => LabelledSequenceTable.Read(path));
        Assert.StartsWith(path, error.Message);
        Assert.Contains(problem, error.Message);
    }

    [Fact]
    public void Reads_the_bundled_ecoli_promoter_table()
    {
        var table = LabelledSequenceTable.Read(RepoData.File("sequences/ecoli_promoters_kernlab.csv"), sequenceColumn: "seq", labelColumn: "class");
        Assert.Equal(106, table.Sequences.Count);
        Assert.All(table.Sequences, s => Assert.Equal(57, s.Length));
        Assert.Equal(["non_promoter", "promoter"], table.Classes);
        Assert.Equal(53, table.ClassCodes().Count(c => c == 1));
        Assert.Equal("GCCTTCTCCAAAACGTGTTTTTTGTTGTTAATTCGGTGTAGACTTGTAAACCTAAAT", table.Sequences[0].Text);
        Assert.All(table.Sequences, s => Assert.All(s.Bases, b => Assert.True(NucleotideCodes.IsAcgt(b))));
    }
}
