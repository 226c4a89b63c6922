namespace LabelFree.Analysis.Survival;

/// <summary>The log-rank test's result: chi-square statistic, degrees of freedom (groups - 1), p-value, and observed and expected events per group.</summary>
public sealed record LogRankResult(double ChiSquare, int DegreesOfFreedom, double P, double[] Observed, double[] Expected);

/// <summary>
/// The log-rank test (Mantel 1966; R's survdiff with rho = 0) that several groups share one survival curve: at each
/// distinct event time, the expected events of each group under the null (its share of those at risk) and their
/// hypergeometric covariance; chi² = (O - E)ᵀ V⁻¹ (O - E) over all groups but the last, with groups - 1 degrees of freedom.
/// </summary>
public static class LogRank
{
    public static LogRankResult Test(ReadOnlySpan<double> time, ReadOnlySpan<bool> observed, ReadOnlySpan<int> group)
    {
        if (time.Length != observed.Length || time.Length != group.Length) throw new ArgumentException("times, events and groups differ in size");
        var groups = 0;
        foreach (var g in group) groups = Math.Max(groups, g + 1);
        var order = Enumerable.Range(0, time.Length).ToArray();
        var keys = time.ToArray();
        Array.Sort(keys, order);
        var atRisk = new double[groups];
        foreach (var g in group) atRisk[g]++;
        var (o, e) = (new double[groups], new double[groups]);
        var v = new double[groups, groups];
        var deaths = new double[groups];
        var leaving = new double[groups];
        for (var k = 0; k < order.Length;)
        {
            var t = keys[k];
            Array.Clear(deaths);
            Array.Clear(leaving);
            for (; k < order.Length && keys[k] == t; k++)
            {
                var g = group[order[k]];
                leaving[g]++;
                if (observed[order[k]]) deaths[g]++;
            }
            var (n, d) = (atRisk.Sum(), deaths.Sum());
            if (d > 0)
            {
                var spread = n > 1 ? d * (n - d) / (n - 1) : 0;
                for (var i = 0; i < groups; i++)
                {
                    o[i] += deaths[i];
                    e[i] += d * atRisk[i] / n;
                    for (var j = 0; j < groups; j++)
                        v[i, j] += spread * atRisk[i] / n * ((i == j ? 1 : 0) - atRisk[j] / n);
                }
            }
            for (var i = 0; i < groups; i++) atRisk[i] -= leaving[i];
        }
        var df = groups - 1;
        if (df < 1) return new LogRankResult(0, 0, double.NaN, o, e);
        var chi = QuadraticForm(o.Zip(e, (a, b) => a - b).Take(df).ToArray(), v, df);
        return new LogRankResult(chi, df, ChiSquare.UpperTail(chi, df), o, e);
    }

    /// <summary>xᵀ V⁻¹ x for the leading df x df block of V, by Gauss-Jordan elimination with partial pivoting.</summary>
    private static double QuadraticForm(double[] x, double[,] v, int df)
    {
        var a = new double[df, df + 1];
        for (var i = 0; i < df; i++)
        {
            for (var j = 0; j < df; j++) a[i, j] = v[i, j];
            a[i, df] = x[i];
        }
        for (var c = 0; c < df; c++)
        {
            var pivot = c;
            for (var r = c + 1; r < df; r++) if (Math.Abs(a[r, c]) > Math.Abs(a[pivot, c])) pivot = r;
            if (Math.Abs(a[pivot, c]) < 1e-12) return double.NaN;
            for (var j = 0; j <= df; j++) (a[c, j], a[pivot, j]) = (a[pivot, j], a[c, j]);
            for (var r = 0; r < df; r++)
            {
                if (r == c) continue;
                var f = a[r, c] / a[c, c];
                for (var j = c; j <= df; j++) a[r, j] -= f * a[c, j];
            }
        }
        var result = 0.0;
        for (var i = 0; i < df; i++) result += x[i] * a[i, df] / a[i, i];
        return result;
    }
}
