using LabelFree.Analysis.Gwas;

namespace LabelFree.Analysis.Tests.Gwas;

public sealed class GenomicInflationTests
{
    [Fact]
    public void The_median_p_of_a_null_scan_gives_lambda_one() =>
        Assert.Equal(1.0, GenomicInflation.Lambda([0.2, 0.5, 0.9]), 6);

    [Fact]
    public void Inflated_statistics_give_lambda_above_one()
    {
        // Statistics scaled by sqrt(1.2): chi² scaled by 1.2. Median p of chi²(1) x 1.2 is P(chi² > 1.2 x 0.4549364).
        var z = Math.Sqrt(1.2 * GenomicInflation.ChiSquareMedian);
        var p = 2 * (1 - Phi(z));
        Assert.Equal(1.2, GenomicInflation.Lambda([p]), 4);
    }

    [Theory]
    [InlineData(0.975, 1.959963984540054)]
    [InlineData(0.5, 0.0)]
    [InlineData(1e-10, -6.361340902404056)]
    public void Normal_quantiles(double p, double z) => Assert.Equal(z, GenomicInflation.NormalQuantile(p), 7);

    // Phi via the t distribution with huge df (tested elsewhere against quadrature).
    private static double Phi(double z) => 1 - 0.5 * Math.Exp(StudentT.LnTwoSidedP(z, 1e12));
}
