using LabelFree.Analysis.Gwas;

namespace LabelFree.Analysis.Tests.Gwas;

public sealed class PlinkNumberTests
{
    [Theory]
    [InlineData(0.136945, "0.136945")]
    [InlineData(1.12926e-05, "1.12926e-05")]
    [InlineData(-0.0889946, "-0.0889946")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(9.9999949e-5, "9.99999e-05")]
    [InlineData(358, "358")]
    [InlineData(2.5, "2.5")]
    [InlineData(123456.7, "123457")]
    [InlineData(1234567, "1.23457e+06")]
    [InlineData(0.1265625, "0.126562")]   // an exact half: rounded to even, as plink2 does
    [InlineData(0.5, "0.5")]
    [InlineData(1.0, "1")]
    [InlineData(0.0, "0")]
    [InlineData(1e-300, "1e-300")]
    public void Numbers_print_like_plink2s_six_digit_g_format(double value, string expected) =>
        Assert.Equal(expected, PlinkNumber.G6(value));

    [Fact]
    public void P_values_below_the_double_range_keep_their_exponent() =>
        Assert.Equal("5.07596e-435", PlinkNumber.FromLn(-1000));

    [Fact]
    public void P_values_in_range_print_from_their_logarithm_like_any_number() =>
        Assert.Equal("0.029512", PlinkNumber.FromLn(Math.Log(0.029512)));
}
