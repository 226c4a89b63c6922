using LabelFree.Core.Errors;
using LabelFree.Data.Tables;
using LabelFree.TestKit;

namespace LabelFree.Data.Tests.Tables;

public class ExpressionBedTests
{
    [Fact]
    public void Reads_genes_samples_and_values_with_NA_as_missing()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder["e.bed"], "#chr\tstart\tend\tgene\tinfo\tstrand\tA\tB\nchr22\t100\t101\tG1\t5\t+\t1.5\tNA\nchr22\t900\t901\tG2\t7\t-\t-2\t3e-1\n");

        var table = ExpressionBed.Read(folder["e.bed"]);

        Assert.Equal(["A", "B"], table.Samples);
        Assert.Equal(new ExpressionGene("G2", "chr22", 900, '-'), table.Genes[1]);
        Assert.Equal(1.5, table.Values[0][0]);
        Assert.True(double.IsNaN(table.Values[0][1]));
        Assert.Equal(0.3, table.Values[1][1]);
    }

    [Fact]
    [Trait(Category.Name, Category.Slow)]
    public void Reads_the_bundled_GEUVADIS_expression_and_covariates()
    {
        var table = ExpressionBed.Read(RepoData.File("genetics/genes.50percent.chr22.bed.gz"));
        Assert.Equal(358, table.Samples.Count);
        Assert.Equal(608, table.Genes.Count);
        var (samples, covariates) = ExpressionBed.ReadCovariates(RepoData.File("genetics/genes.covariates.pc50.txt.gz"), 5);
        Assert.Equal(table.Samples, samples);
        Assert.Equal(5, covariates.Count);
    }

    [Fact]
    public void A_ragged_row_names_the_file_and_line()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder["e.bed"], "#chr\tstart\tend\tgene\tinfo\tstrand\tA\nchr22\t1\t2\tG\t1\t+\n");
        var error = Assert.Throws<UserInputException>(() => ExpressionBed.Read(folder["e.bed"]));
        Assert.StartsWith(folder["e.bed"] + ":2:", error.Message);
    }
}
