namespace LabelFree.Analysis.Statistics;

/// <summary>Corrections of many p-values for multiple testing.</summary>
public static class MultipleTesting
{
    /// <summary>
    /// Benjamini-Hochberg adjusted p-values (q-values): for the p-values in ascending order, q_(i) = min over j &gt;= i of
    /// p_(j) m / j, at most 1; returned in the input order (statsmodels' multipletests(method="fdr_bh")).
    /// </summary>
    public static double[] BenjaminiHochberg(IReadOnlyList<double> pValues)
    {
        var m = pValues.Count;
        var order = Enumerable.Range(0, m).OrderBy(i => pValues[i]).ToArray();
        var adjusted = new double[m];
        var running = 1.0;
        for (var rank = m; rank >= 1; rank--)
        {
            var i = order[rank - 1];
            running = Math.Min(running, pValues[i] * m / rank);
            adjusted[i] = Math.Min(1, running);
        }
        return adjusted;
    }
}
