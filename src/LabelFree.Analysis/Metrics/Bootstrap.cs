using LabelFree.Core.Randomness;

namespace LabelFree.Analysis.Metrics;

/// <summary>A point estimate with a percentile confidence interval.</summary>
public sealed record Estimate(double Value, double Lower, double Upper);

/// <summary>
/// Percentile bootstrap over cases (patients): the statistic recomputed on <c>resamples</c> draws of n cases with
/// replacement (seeded), the interval from the (1 - level) / 2 and (1 + level) / 2 quantiles of the finite values.
/// Several statistics evaluated on the same draws (<see cref="Intervals"/>) give paired intervals (for differences).
/// </summary>
public static class Bootstrap
{
    public static Estimate Interval(int cases, Func<int[], double> statistic, long seed, int resamples = 1000, double level = 0.95) =>
        Intervals(cases, [statistic], seed, resamples, level)[0];

    public static Estimate[] Intervals(int cases, IReadOnlyList<Func<int[], double>> statistics, long seed, int resamples = 1000, double level = 0.95)
    {
        var all = Enumerable.Range(0, cases).ToArray();
        var draws = statistics.Select(_ => new List<double>(resamples)).ToArray();
        var sample = new int[cases];
        for (var r = 0; r < resamples; r++)
        {
            var rng = Rng.For(seed, "bootstrap", r);
            for (var i = 0; i < cases; i++) sample[i] = rng.NextInt(cases);
            for (var s = 0; s < statistics.Count; s++)
                if (statistics[s](sample) is var v && double.IsFinite(v)) draws[s].Add(v);
        }
        return statistics.Select((statistic, s) =>
        {
            var sorted = draws[s].Order().ToArray();
            double Quantile(double q) => sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Floor(q * (sorted.Length - 1) + 0.5), 0, sorted.Length - 1)];
            return new Estimate(statistic(all), Quantile((1 - level) / 2), Quantile((1 + level) / 2));
        }).ToArray();
    }
}
