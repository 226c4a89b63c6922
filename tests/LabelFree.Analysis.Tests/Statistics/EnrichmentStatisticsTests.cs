using LabelFree.Analysis.Statistics;
using LabelFree.TestKit;

namespace LabelFree.Analysis.Tests.Statistics;

public class EnrichmentStatisticsTests
{
    [Fact]
    public void The_hypergeometric_upper_tail_matches_a_hand_computation_and_scipy()
    {
        // 10 items, 4 marked, 3 drawn: P(X >= 2) = [C(4,2) C(6,1) + C(4,3) C(6,0)] / C(10,3) = (36 + 4) / 120.
        Assert.Equal(40.0 / 120, Hypergeometric.UpperTail(2, 10, 4, 3), 14);
        Assert.Equal(1, Hypergeometric.UpperTail(0, 10, 4, 3));
        Assert.Equal(0, Hypergeometric.UpperTail(4, 10, 4, 3));
        var cases = new[] { (30, 106, 53, 35), (12, 2000, 1000, 13), (5, 500, 20, 40) };
        var scipy = DebianPython.Run("python3-scipy", """
            import sys
            from scipy.stats import hypergeom
            for case in sys.argv[1:]:
                x, N, K, n = map(int, case.split(","))
                print(repr(hypergeom.sf(x - 1, N, K, n)))
            """, cases.Select(c => $"{c.Item1},{c.Item2},{c.Item3},{c.Item4}").ToArray());
        for (var i = 0; i < cases.Length; i++)
        {
            var expected = double.Parse(scipy[i], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(expected, Hypergeometric.UpperTail(cases[i].Item1, cases[i].Item2, cases[i].Item3, cases[i].Item4), expected * 1e-9);
        }
    }

    [Fact]
    public void Benjamini_hochberg_matches_a_hand_computation()
    {
        // Sorted 0.01 0.03 0.04 0.2 (m = 4): p m / rank = 0.04 0.06 0.0533 0.2, then running minima from the top.
        var q = MultipleTesting.BenjaminiHochberg([0.01, 0.04, 0.03, 0.2]);
        Assert.Equal(0.04, q[0], 12);
        Assert.Equal(0.04 * 4 / 3, q[1], 12);
        Assert.Equal(0.04 * 4 / 3, q[2], 12);
        Assert.Equal(0.2, q[3], 12);
        Assert.Equal([1.0], MultipleTesting.BenjaminiHochberg([1.0]));
    }
}
