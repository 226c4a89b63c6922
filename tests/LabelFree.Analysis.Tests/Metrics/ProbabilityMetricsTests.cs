using LabelFree.Analysis.Metrics;

namespace LabelFree.Analysis.Tests.Metrics;

public class ProbabilityMetricsTests
{
    [Fact]
    public void Brier_and_reliability_by_hand()
    {
        float[] p = [0.1f, 0.2f, 0.8f, 0.9f];
        bool[] y = [false, true, true, true];
        Assert.Equal((0.01 + 0.64 + 0.04 + 0.01) / 4, ProbabilityMetrics.Brier(p, y), 6);
        var bins = ProbabilityMetrics.Reliability(p, y, bins: 2);
        Assert.Equal(2, bins.Count);
        Assert.Equal((0.15, 0.5, 2), (Math.Round(bins[0].MeanPredicted, 6), bins[0].ObservedFraction, bins[0].Count));
        Assert.Equal((0.85, 1.0, 2), (Math.Round(bins[1].MeanPredicted, 6), bins[1].ObservedFraction, bins[1].Count));
    }

    [Fact]
    public void Bootstrap_intervals_are_seeded_cover_the_estimate_and_narrow_with_more_cases()
    {
        var rng = new Core.Randomness.Rng(3);
        double[] Values(int n) => Enumerable.Range(0, n).Select(_ => rng.NextGaussian()).ToArray();
        var small = Values(50);
        var large = Values(2000);
        Estimate Mean(double[] v, long seed) => Bootstrap.Interval(v.Length, rows => rows.Average(i => v[i]), seed, resamples: 400);
        var a = Mean(small, 1);
        Assert.Equal(a, Mean(small, 1));
        Assert.InRange(a.Value, a.Lower, a.Upper);
        var b = Mean(large, 1);
        Assert.True(b.Upper - b.Lower < (a.Upper - a.Lower) / 3, $"{b} vs {a}");
        // About 1.96 standard errors either side.
        Assert.InRange((b.Upper - b.Lower) / 2, 0.8 * 1.96 / Math.Sqrt(2000), 1.2 * 1.96 / Math.Sqrt(2000));
    }
}
