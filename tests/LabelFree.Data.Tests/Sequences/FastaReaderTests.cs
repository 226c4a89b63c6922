using LabelFree.Core.Errors;
using LabelFree.Data.Sequences;
using LabelFree.TestKit;

namespace LabelFree.Data.Tests.Sequences;

public class FastaReaderTests
{
    private const string Text = ">chr1 first record, soft-masked\nACGTacgtNN\n\nRYacGT\n>chr2\r\nTTTT\r\nuuAA\r\n>empty  spaced description \n>last\nAC GT\tA";

    [Fact]
    public void Reads_ids_descriptions_soft_masked_runs_ambiguity_codes_and_ignores_blank_lines()
    {
        using var folder = new TempFolder();
        var records = FastaReader.Read(SequenceFiles.Write(folder["a.fa"], Text));
        Assert.Equal(["chr1", "chr2", "empty", "last"], records.Select(r => r.Id));
        Assert.Equal(["first record, soft-masked", "", "spaced description", ""], records.Select(r => r.Description));
        Assert.Equal("ACGTACGTNNRYACGT", records[0].Text);
        Assert.Equal([new Interval(4, 8), new Interval(12, 14)], records[0].SoftMasked);
        Assert.Equal("ACGTacgtNNRYacGT", records[0].SoftMaskedText());
        Assert.True(records[0].IsSoftMasked(4) && records[0].IsSoftMasked(13) && !records[0].IsSoftMasked(8) && !records[0].IsSoftMasked(3));
        Assert.Equal("TTTTTTAA", records[1].Text);  // U read as T, CRLF dropped
        Assert.Equal([new Interval(4, 6)], records[1].SoftMasked);
        Assert.Equal(0, records[2].Length);
        Assert.Equal("ACGTA", records[3].Text);  // no final newline, spaces and tabs ignored
    }

    [Fact]
    public void Gzip_is_recognised_by_content_whatever_the_name()
    {
        using var folder = new TempFolder();
        var plain = FastaReader.Read(SequenceFiles.Write(folder["a.fa"], Text));
        var zipped = FastaReader.Read(SequenceFiles.Write(folder["b.fa"], Text, gzip: true));
        var misnamed = FastaReader.Read(SequenceFiles.Write(folder["c.fa.gz"], Text));
        Assert.Equal(plain.Select(r => r.SoftMaskedText()), zipped.Select(r => r.SoftMaskedText()));
        Assert.Equal(plain.Select(r => r.Id), misnamed.Select(r => r.Id));
    }

    [Fact]
    public void Records_stream_one_at_a_time()
    {
        using var folder = new TempFolder();
        var path = SequenceFiles.Write(folder["a.fa"], ">a\nAC\n>b\nXX\n");
        Assert.Equal("a", FastaReader.ReadRecords(path).First().Id);  // the bad second record is never read
    }

    [Theory]
    [InlineData("ACGT\n>a\nAC\n", ":1:", "before the first '>' header")]
    [InlineData(">a\nACGT\nACXT\n", ":3:", "'X' is not a nucleotide code")]
    [InlineData(">a\nAC\n>\nAC\n", ":3:", "without a sequence id")]
    [InlineData(">a\nAC-GT\n", ":2:", "'-' is not a nucleotide code")]
    [InlineData("", "", "no FASTA records")]
    public void Malformed_input_names_the_file_and_line(string text, string line, string problem)
    {
        using var folder = new TempFolder();
        var path = SequenceFiles.Write(folder["bad.fa"], text);
        var error = Assert.Throws<UserInputException>(() => FastaReader.Read(path));
        Assert.StartsWith(path + line, error.Message);
        Assert.Contains(problem, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Missing_and_corrupt_gzip_files_are_user_errors()
    {
        using var folder = new TempFolder();
        Assert.Contains("not found", Assert.Throws<UserInputException>(() => FastaReader.Read(folder["none.fa"])).Message);
        var path = SequenceFiles.Write(folder["a.fa.gz"], ">a\n" + new string('A', 5000) + "\n", gzip: true);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)].Concat(new byte[64]).ToArray());
        var error = Assert.ThrowsAny<Exception>(() => FastaReader.Read(path));
        Assert.IsType<UserInputException>(error);
        Assert.StartsWith(path + ":", error.Message);
    }

    [Fact]
    [Trait(Category.Name, Category.Slow)]
    public void Reads_the_bundled_dm3_upstream_promoters()
    {
        var records = FastaReader.Read(RepoData.File("sequences/dm3_upstream2000.fa.gz"));
        Assert.Equal(26_454, records.Count);
        Assert.Equal(26_452, records.Count(r => r.Length == 2000));
        Assert.Equal(2, records.Count(r => r.Length == 353));
        Assert.Equal(52_904_706L, records.Sum(r => (long)r.Length));
        Assert.Equal("NM_078863_up_2000_chr2L_16764737_f", records[0].Id);
        Assert.Equal("chr2L:16764737-16766736", records[0].Description);
        Assert.StartsWith("GTTGGTGGCCCACCAGTGCC", records[0].Text);
        // The Biostrings file is all lower case: each record is one soft-masked run.
        Assert.All(records, r => Assert.Equal(r.Length == 0 ? [] : [new Interval(0, r.Length)], r.SoftMasked));
        Assert.Equal(29_132L, records.Sum(r => (long)r.Bases.Count(b => b == (byte)'N')));
    }
}
