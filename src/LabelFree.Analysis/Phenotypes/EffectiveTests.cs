namespace LabelFree.Analysis.Phenotypes;

/// <summary>
/// The effective number of independent tests among correlated phenotypes (Li and Ji, Heredity 2005): with λ the
/// eigenvalues of the phenotypes' correlation matrix, M_eff = Σ f(|λ|), f(x) = I(x ≥ 1) + (x - ⌊x⌋). The study-wide
/// threshold divides the genome-wide one by M_eff.
/// </summary>
public static class EffectiveTests
{
    public const double GenomeWide = 5e-8;

    /// <summary>Li and Ji's M_eff of the columns of <paramref name="values"/> (samples x phenotypes; rows with a NaN are left out).</summary>
    public static double LiJi(double[,] values) => FromCorrelation(Correlation(values));

    /// <summary>Li and Ji's M_eff from a correlation matrix.</summary>
    public static double FromCorrelation(double[,] correlation) =>
        SymmetricEigen.Values(correlation).Select(Math.Abs).Sum(x => (x >= 1 ? 1 : 0) + (x - Math.Floor(x)));

    /// <summary>The study-wide significance threshold: <paramref name="genomeWide"/> / M_eff.</summary>
    public static double StudyWideThreshold(double effectiveTests, double genomeWide = GenomeWide) => genomeWide / Math.Max(1, effectiveTests);

    /// <summary>Pearson correlations between the columns of <paramref name="values"/> over the rows without a NaN.</summary>
    public static double[,] Correlation(double[,] values)
    {
        var (n, m) = (values.GetLength(0), values.GetLength(1));
        var rows = Enumerable.Range(0, n).Where(i => Enumerable.Range(0, m).All(j => !double.IsNaN(values[i, j]))).ToArray();
        var standardised = new double[m][];
        for (var j = 0; j < m; j++)
        {
            var column = rows.Select(i => values[i, j]).ToArray();
            var mean = column.Average();
            var sd = Math.Sqrt(column.Sum(x => (x - mean) * (x - mean)));
            standardised[j] = column.Select(x => sd > 0 ? (x - mean) / sd : 0).ToArray();
        }
        var r = new double[m, m];
        for (var a = 0; a < m; a++)
            for (var b = a; b < m; b++)
            {
                var s = 0.0;
                for (var i = 0; i < rows.Length; i++) s += standardised[a][i] * standardised[b][i];
                r[a, b] = r[b, a] = a == b ? 1 : s;
            }
        return r;
    }
}
