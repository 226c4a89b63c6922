namespace LabelFree.Analysis.Phenotypes;

/// <summary>
/// Latents of several training seeds merged into one set: <see cref="Merged"/> (samples x latents, in the first seed's
/// order), and for each other seed the latent matched to each of the first seed's (<see cref="Assignment"/>[seed - 1][i])
/// with the absolute correlation of the pair (<see cref="MatchedCorrelation"/>).
/// </summary>
public sealed record MatchedLatents(double[,] Merged, IReadOnlyList<int[]> Assignment, IReadOnlyList<double[]> MatchedCorrelation)
{
    /// <summary>Per latent, the mean absolute correlation with its matches in the other seeds (1 with one seed).</summary>
    public double[] Reproducibility() => Enumerable.Range(0, Merged.GetLength(1))
        .Select(i => MatchedCorrelation.Count == 0 ? 1 : MatchedCorrelation.Average(c => c[i])).ToArray();
}

/// <summary>
/// Ometto et al.'s merging of latents across seeds: the first seed is the reference; each other seed's latents are
/// assigned one to one to the reference's by the Hungarian algorithm on absolute Pearson correlation (largest total),
/// flipped to correlate positively, and every latent is the mean of its standardised matches.
/// </summary>
public static class SeedMatching
{
    public static MatchedLatents Merge(IReadOnlyList<double[,]> seeds)
    {
        if (seeds.Count == 0) throw new ArgumentException("no seeds", nameof(seeds));
        var (n, k) = (seeds[0].GetLength(0), seeds[0].GetLength(1));
        if (seeds.Any(s => s.GetLength(0) != n || s.GetLength(1) != k)) throw new ArgumentException("every seed needs the same samples and latents", nameof(seeds));
        var reference = Standardise(seeds[0]);
        var merged = (double[,])reference.Clone();
        var assignments = new List<int[]>();
        var correlations = new List<double[]>();
        foreach (var seed in seeds.Skip(1))
        {
            var other = Standardise(seed);
            var r = CrossCorrelation(reference, other);
            var cost = new double[k, k];
            for (var i = 0; i < k; i++)
                for (var j = 0; j < k; j++) cost[i, j] = -Math.Abs(r[i, j]);
            var assignment = Hungarian.Solve(cost);
            for (var i = 0; i < k; i++)
            {
                var sign = r[i, assignment[i]] < 0 ? -1 : 1;
                for (var s = 0; s < n; s++) merged[s, i] += sign * other[s, assignment[i]];
            }
            assignments.Add(assignment);
            correlations.Add(Enumerable.Range(0, k).Select(i => Math.Abs(r[i, assignment[i]])).ToArray());
        }
        for (var s = 0; s < n; s++)
            for (var i = 0; i < k; i++) merged[s, i] /= seeds.Count;
        return new MatchedLatents(merged, assignments, correlations);
    }

    /// <summary>Columns centred and scaled to unit variance (a constant column becomes zeros).</summary>
    public static double[,] Standardise(double[,] values)
    {
        var (n, k) = (values.GetLength(0), values.GetLength(1));
        var result = new double[n, k];
        for (var j = 0; j < k; j++)
        {
            double mean = 0, square = 0;
            for (var i = 0; i < n; i++) mean += values[i, j];
            mean /= n;
            for (var i = 0; i < n; i++) square += (values[i, j] - mean) * (values[i, j] - mean);
            var sd = Math.Sqrt(square / Math.Max(1, n - 1));
            for (var i = 0; i < n; i++) result[i, j] = sd > 0 ? (values[i, j] - mean) / sd : 0;
        }
        return result;
    }

    // Correlations between standardised columns of a and b: (k, k).
    private static double[,] CrossCorrelation(double[,] a, double[,] b)
    {
        var (n, k) = (a.GetLength(0), a.GetLength(1));
        var r = new double[k, k];
        for (var i = 0; i < k; i++)
            for (var j = 0; j < k; j++)
            {
                var s = 0.0;
                for (var t = 0; t < n; t++) s += a[t, i] * b[t, j];
                r[i, j] = s / Math.Max(1, n - 1);
            }
        return r;
    }
}
