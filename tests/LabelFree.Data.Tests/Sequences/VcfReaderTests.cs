using LabelFree.Core.Errors;
using LabelFree.Data.Sequences;
using LabelFree.TestKit;

namespace LabelFree.Data.Tests.Sequences;

public class VcfReaderTests
{
    private const string Vcf = """
        ##fileformat=VCFv4.2
        ##contig=<ID=chr1,length=1000>
        #CHROM	POS	ID	REF	ALT	QUAL	FILTER	INFO
        chr1	10	rs1	A	G	50	PASS	.
        chr1	20	.	C	CTT	.	.	.
        chr1	30	del1	GCA	g	.	.	.
        chr1	40	multi	T	C,TA,*	.	.	.
        chr1	50	sv	N	<DEL>	.	.	SVTYPE=DEL
        chr1	60	none	A	.	.	.	.
        chr2	70	mnv	AC	GT
        """;

    [Fact]
    public void Reads_snvs_indels_and_split_multi_allelic_lines_skipping_headers()
    {
        using var folder = new TempFolder();
        var variants = VcfReader.Read(SequenceFiles.Write(folder["v.vcf.gz"], Vcf + "\n", gzip: true));
        Assert.Equal(["rs1", ".", "del1", "multi", "multi", "sv", "mnv"], variants.Select(v => v.Id));
        Assert.Equal([VariantKind.Snv, VariantKind.Insertion, VariantKind.Deletion, VariantKind.Snv, VariantKind.Insertion, VariantKind.Symbolic, VariantKind.Complex],
            variants.Select(v => v.Kind));
        Assert.Equal(("chr1", 30L, "GCA", "G", 2), (variants[2].Chrom, variants[2].Position, variants[2].Ref, variants[2].Alt, variants[2].IndelLength));
        Assert.Equal(7, variants[3].Line);
        Assert.Equal(("chr2", 70L), (variants[^1].Chrom, variants[^1].Position));
    }

    [Theory]
    [InlineData("chr1\tten\t.\tA\tG", "POS 'ten' is not a positive integer")]
    [InlineData("chr1\t0\t.\tA\tG", "POS '0' is not a positive integer")]
    [InlineData("chr1 10 . A G", "1 tab-separated fields")]
    [InlineData("chr1\t10\t.\tAXC\tG", "REF 'AXC'")]
    [InlineData("chr1\t10\t.\tA\tQ", "ALT allele 'Q'")]
    [InlineData("chr1\t10\t.\tA\tA", "equals REF")]
    public void Malformed_lines_name_the_file_and_line(string line, string problem)
    {
        using var folder = new TempFolder();
        var path = SequenceFiles.Write(folder["v.vcf"], "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\nchr1\t5\t.\tA\tC\n" + line + "\n");
        var error = Assert.Throws<UserInputException>(() => VcfReader.Read(path));
        Assert.StartsWith(path + ":4:", error.Message);
        Assert.Contains(problem, error.Message);
    }
}
