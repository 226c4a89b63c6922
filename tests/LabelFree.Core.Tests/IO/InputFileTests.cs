using System.IO.Compression;
using System.Text;
using LabelFree.Core.Errors;
using LabelFree.Core.IO;
using LabelFree.TestKit;

namespace LabelFree.Core.Tests.IO;

public class InputFileTests
{
    private static byte[] Gzip(string text)
    {
        using var memory = new MemoryStream();
        using (var gzip = new GZipStream(memory, CompressionLevel.Optimal, leaveOpen: true)) gzip.Write(Encoding.ASCII.GetBytes(text));
        return memory.ToArray();
    }

    [Fact]
    public void Gzip_is_recognised_by_its_bytes_not_its_name()
    {
        using var folder = new TempFolder();
        File.WriteAllBytes(folder["named.txt"], Gzip("a\tb\n1\t2\n"));
        File.WriteAllText(folder["plain.gz"], "a\tb\n");

        Assert.Equal("a\tb\n1\t2\n", InputFile.OpenText(folder["named.txt"], "table").ReadToEnd());
        Assert.Equal("a\tb\n", InputFile.OpenText(folder["plain.gz"], "table").ReadToEnd());
    }

    [Theory]
    [InlineData(-8, "CRC")]        // the member's CRC-32
    [InlineData(-4, "length")]     // its uncompressed length
    [InlineData(0, "data")]        // the deflate stream itself, in its middle
    public void A_corrupt_gzip_member_is_a_user_error_naming_the_file(int offset, string part)
    {
        using var folder = new TempFolder();
        var bytes = Gzip(string.Concat(Enumerable.Range(0, 2000).Select(i => $"{i}\tx{i % 7}\n")));
        bytes[offset == 0 ? bytes.Length / 2 : bytes.Length + offset] ^= 0x5a;
        File.WriteAllBytes(folder["bad.tsv.gz"], bytes);

        var error = Assert.Throws<UserInputException>(() => InputFile.OpenText(folder["bad.tsv.gz"], "table").ReadToEnd());
        Assert.True(error.Message.StartsWith($"{folder["bad.tsv.gz"]}: corrupt gzip data", StringComparison.Ordinal), $"{part}: {error.Message}");
    }

    [Fact]
    public void A_missing_file_names_what_was_expected()
    {
        var error = Assert.Throws<UserInputException>(() => InputFile.Open("/nonexistent/x.fa", "FASTA file"));
        Assert.Contains("x.fa: FASTA file not found", error.Message);
    }
}
