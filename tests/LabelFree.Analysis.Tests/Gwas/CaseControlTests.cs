using LabelFree.Analysis.Gwas;

namespace LabelFree.Analysis.Tests.Gwas;

public sealed class CaseControlTests
{
    [Fact]
    public void Columns_are_case_control_exactly_when_plink2_would_read_them_so()
    {
        Assert.True(CaseControl.IsBinary([1, 2, double.NaN, 0, 2], zeroIsControl: false));
        Assert.False(CaseControl.IsBinary([1, 2, 3], zeroIsControl: false));
        Assert.False(CaseControl.IsBinary([1, 2, 1.5], zeroIsControl: false));
        Assert.True(CaseControl.IsBinary([0, 1, 1], zeroIsControl: true));
        Assert.False(CaseControl.IsBinary([0, 1, 2], zeroIsControl: true));
        Assert.False(CaseControl.IsBinary([double.NaN], zeroIsControl: false));
        Assert.Equal([0, 1, double.NaN], CaseControl.Code([1, 2, 0], zeroIsControl: false));
        Assert.Equal([0, 1, double.NaN], CaseControl.Code([0, 1, double.NaN], zeroIsControl: true));
    }

    [Theory]
    [InlineData(0.0, 1.0)]
    [InlineData(1.0, 0.31731050786291404)]
    [InlineData(1.959963984540054, 0.05)]
    [InlineData(5.0, 5.733031437583878e-07)]
    [InlineData(40.0, 7.311548e-350)]   // below double's range: only ln P can hold it
    public void Normal_two_sided_p_values(double z, double p)
    {
        var lnP = NormalTail.LnTwoSidedP(z);
        var lnExpected = p > 0 ? Math.Log(p) : Math.Log(7.311548) - 350 * Math.Log(10);   // the literal underflows to 0
        Assert.Equal(lnExpected, lnP, 1e-6 * Math.Max(1, Math.Abs(lnExpected)));
        Assert.Equal(lnP, NormalTail.LnTwoSidedP(-z));
    }
}
