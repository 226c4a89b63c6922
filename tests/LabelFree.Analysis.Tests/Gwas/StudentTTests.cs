using LabelFree.Analysis.Gwas;

namespace LabelFree.Analysis.Tests.Gwas;

public sealed class StudentTTests
{
    // Closed forms: df = 1 is Cauchy, p = 1 - 2 atan|t| / pi; df = 2 gives p = 1 - |t| / sqrt(2 + t^2).
    [Theory]
    [InlineData(0.3)]
    [InlineData(1.0)]
    [InlineData(2.5)]
    [InlineData(40.0)]
    public void Matches_closed_forms_for_one_and_two_degrees_of_freedom(double t)
    {
        Assert.Equal(1 - 2 * Math.Atan(t) / Math.PI, Math.Exp(StudentT.LnTwoSidedP(t, 1)), 1e-12);
        Assert.Equal(1 - t / Math.Sqrt(2 + t * t), Math.Exp(StudentT.LnTwoSidedP(-t, 2)), 1e-12);
    }

    [Theory]
    [InlineData(2.5, 30)]
    [InlineData(0.4, 355)]
    [InlineData(6.0, 9995)]
    [InlineData(0.7, 9995)]
    [InlineData(1.3, 499_995)]
    public void Matches_numerical_integration_of_the_density(double t, double df)
    {
        // Simpson's rule on the density from |t| to |t| + 60 (the tail beyond is negligible for these df).
        var lnC = StudentT.LnGamma((df + 1) / 2) - StudentT.LnGamma(df / 2) - 0.5 * Math.Log(df * Math.PI);
        double Density(double u) => Math.Exp(lnC - (df + 1) / 2 * Math.Log(1 + u * u / df));
        const int steps = 200_000;
        var h = 60.0 / steps;
        var sum = Density(t) + Density(t + 60);
        for (var i = 1; i < steps; i++) sum += (i % 2 == 1 ? 4 : 2) * Density(t + i * h);
        var expected = 2 * sum * h / 3;

        Assert.Equal(expected, Math.Exp(StudentT.LnTwoSidedP(t, df)), expected * 1e-9);
    }

    [Fact]
    public void Large_samples_approach_the_normal_distribution() =>
        Assert.Equal(0.05, Math.Exp(StudentT.LnTwoSidedP(1.959963984540054, 1e9)), 1e-7);

    [Fact]
    public void Extreme_statistics_give_finite_logarithms_below_the_double_range()
    {
        var lnP = StudentT.LnTwoSidedP(80, 5000);
        Assert.True(double.IsFinite(lnP));
        Assert.True(lnP < Math.Log(1e-308));
    }

    [Fact]
    public void A_zero_statistic_has_p_one() => Assert.Equal(0, StudentT.LnTwoSidedP(0, 10));
}
