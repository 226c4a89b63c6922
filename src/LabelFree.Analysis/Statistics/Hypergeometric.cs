namespace LabelFree.Analysis.Statistics;

/// <summary>
/// The hypergeometric distribution: draws of <c>n</c> items without replacement from <c>population</c> items of which
/// <c>successes</c> are marked; exact sums of probabilities computed from log-factorials.
/// </summary>
public static class Hypergeometric
{
    /// <summary>
    /// P(X &gt;= <paramref name="observed"/>): the enrichment p-value of seeing at least that many marked items among the
    /// drawn ones (scipy.stats.hypergeom.sf(observed - 1, population, successes, drawn)).
    /// </summary>
    public static double UpperTail(int observed, int population, int successes, int drawn)
    {
        if (population < 0 || successes < 0 || drawn < 0 || successes > population || drawn > population)
            throw new ArgumentOutOfRangeException(nameof(population), $"expected 0 <= successes, drawn <= population, got {successes}, {drawn}, {population}");
        var low = Math.Max(0, drawn - (population - successes));
        var high = Math.Min(drawn, successes);
        if (observed <= low) return 1;
        if (observed > high) return 0;
        var logTotal = LogChoose(population, drawn);
        double sum = 0;
        for (var x = observed; x <= high; x++) sum += Math.Exp(LogChoose(successes, x) + LogChoose(population - successes, drawn - x) - logTotal);
        return Math.Min(1, sum);
    }

    private static double LogChoose(int n, int k) => LogFactorial(n) - LogFactorial(k) - LogFactorial(n - k);

    private static double LogFactorial(int n)
    {
        double sum = 0;
        for (var i = 2; i <= n; i++) sum += Math.Log(i);
        return sum;
    }
}
