using LabelFree.Analysis.Gwas;
using LabelFree.Core.Errors;
using LabelFree.TestKit;

namespace LabelFree.Analysis.Tests.Gwas;

public sealed class GwasScanTests
{
    [Theory]
    [InlineData(0, 0.0, 0.0)]   // intercept only, complete data: one group, no corrections
    [InlineData(3, 0.0, 0.0)]   // covariates projected out once
    [InlineData(3, 0.05, 0.0)]  // missing genotypes: the rank-k correction
    [InlineData(2, 0.05, 0.1)]  // phenotypes with different missing samples: several groups
    public void Scan_matches_ordinary_least_squares_on_each_variants_complete_samples(int covariates, double missingGenotypes, double missingPhenotypes)
    {
        using var temp = new TempFolder();
        var study = new SyntheticStudy(samples: 203, variants: 37, phenotypes: 3, covariates, missingGenotypes, missingPhenotypes, seed: 7);
        study.Write(temp["s"]);

        var blocks = study.Scan(temp["s"], threads: 2, blockVariants: 16);

        Assert.Equal(37, blocks.Sum(b => b.Count));
        foreach (var block in blocks)
            foreach (var group in block.Groups)
                for (var k = 0; k < group.Group.Phenotypes.Length; k++)
                    for (var v = 0; v < block.Count; v++)
                    {
                        var (beta, se, n) = study.DirectOls(group.Group.Phenotypes[k], (int)block.First + v);
                        Assert.Equal(GlmError.None, group.Error[v]);
                        Assert.Equal(n, group.ObsCount[v]);
                        Assert.Equal(beta, group.Beta[k][v], Math.Abs(beta) * 1e-9 + 1e-12);
                        Assert.Equal(se, group.Se[k][v], se * 1e-9);
                    }
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.05)]
    public void Covariate_rows_match_ordinary_least_squares(double missingGenotypes)
    {
        using var temp = new TempFolder();
        var study = new SyntheticStudy(samples: 150, variants: 20, phenotypes: 2, covariates: 3, missingGenotypes, 0.1, seed: 9);
        study.Write(temp["s"]);

        foreach (var block in study.Scan(temp["s"], covariateRows: true))
            foreach (var group in block.Groups)
                for (var k = 0; k < group.Group.Phenotypes.Length; k++)
                    for (var v = 0; v < block.Count; v++)
                    {
                        var (beta, se, _) = study.DirectOlsAll(group.Group.Phenotypes[k], (int)block.First + v);
                        for (var c = 0; c < 3; c++)
                        {
                            Assert.Equal(beta[c + 1], group.CovariateBeta![k][c][v], Math.Abs(beta[c + 1]) * 1e-9 + 1e-12);
                            Assert.Equal(se[c + 1], group.CovariateSe![k][c][v], se[c + 1] * 1e-9);
                        }
                    }
    }

    [Fact]
    public void A_variant_without_variation_is_reported_as_plink2_does()
    {
        using var temp = new TempFolder();
        var study = new SyntheticStudy(samples: 50, variants: 3, phenotypes: 1, covariates: 1, 0, 0, seed: 3);
        Array.Fill(study.Dosages[1], (sbyte)1);
        study.Write(temp["s"]);

        var block = Assert.Single(study.Scan(temp["s"]));

        Assert.Equal(GlmError.ConstOmittedAllele, block.Groups[0].Error[1]);
        Assert.True(double.IsNaN(block.Groups[0].Beta[0][1]));
        Assert.Equal(GlmError.None, block.Groups[0].Error[0]);
    }

    [Fact]
    public void Results_do_not_depend_on_threads_or_block_size()
    {
        using var temp = new TempFolder();
        var study = new SyntheticStudy(samples: 150, variants: 70, phenotypes: 2, covariates: 2, 0.02, 0, seed: 11);
        study.Write(temp["s"]);

        var one = study.Scan(temp["s"], threads: 1, blockVariants: 8).SelectMany(b => b.Groups[0].Beta[1]).ToArray();
        var two = study.Scan(temp["s"], threads: 2, blockVariants: 64).SelectMany(b => b.Groups[0].Beta[1]).ToArray();

        Assert.Equal(one, two);
    }

    [Fact]
    public void A_constant_phenotype_is_a_user_error()
    {
        var constant = Enumerable.Repeat(1.0, 20).ToArray();
        var e = Assert.Throws<UserInputException>(() => PhenotypeGroup.Build(["flat"], [constant], [], [], 20, _ => { }));
        Assert.Contains("'flat' is constant", e.Message);
    }

    [Fact]
    public void The_A1_reported_is_the_minor_allele_among_founders()
    {
        using var temp = new TempFolder();
        var study = new SyntheticStudy(samples: 80, variants: 1, phenotypes: 1, covariates: 0, 0, 0, seed: 5);
        for (var i = 0; i < 80; i++) study.Dosages[0][i] = (sbyte)(i < 60 ? 2 : i % 2);
        study.Write(temp["s"]);

        var block = Assert.Single(study.Scan(temp["s"]));

        Assert.True(block.ReportsA2(0));
        Assert.Equal(130.0 / 160, block.FounderA1Freq[0], 12);
    }
}
