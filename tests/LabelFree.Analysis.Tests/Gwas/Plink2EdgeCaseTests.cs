using LabelFree.Analysis.Gwas;
using LabelFree.Data.Genotypes;
using LabelFree.Data.Tables;
using LabelFree.TestKit;

namespace LabelFree.Analysis.Tests.Gwas;

/// <summary>plink2's error codes and A1 choice on a small crafted fileset (Fixtures/glm-edge): our file is byte-identical.</summary>
public sealed class Plink2EdgeCaseTests
{
    private static readonly string Fixtures = Path.Combine(AppContext.BaseDirectory, "Fixtures", "glm-edge");

    [Theory]
    [InlineData(false, "plink2.y.glm.linear")]          // --glm hide-covar cols=+a1freq
    [InlineData(true, "plink2.default.y.glm.linear")]   // --glm cols=+a1freq: covariate rows too
    public void Constant_collinear_and_sparse_variants_are_reported_exactly_as_plink2_does(bool covariateRows, string expected)
    {
        using var temp = new TempFolder();
        using var fileset = PlinkFileset.Open(Path.Combine(Fixtures, "edge"));
        var pheno = SampleTableReader.Read(Path.Combine(Fixtures, "edge.pheno.txt"), fileset.Samples);
        var covar = SampleTableReader.Read(Path.Combine(Fixtures, "edge.covar.txt"), fileset.Samples);
        var groups = PhenotypeGroup.Build(pheno.Names, pheno.Values, covar.Names, covar.Values, fileset.Samples.Count, _ => { });
        var variants = fileset.Variants().Select(v => new GlmVariant(v.Chrom, v.Position, v.Id, v.Allele2, v.Allele1));
        using (var writer = new GlmLinearWriter(temp["lf"], pheno.Names, groups, gzip: false, threads: 1))
        {
            GwasScan.Run(new PackedGenotypes(fileset.Samples.Count, fileset.VariantCount, fileset.Bed.ReadPacked), groups, new GwasOptions(1, CovariateRows: covariateRows),
                variants, writer);
        }

        Assert.Equal(File.ReadAllLines(Path.Combine(Fixtures, expected)), File.ReadAllLines(temp["lf.y.glm.linear"]));
    }
}
