using LabelFree.Analysis.Clustering;

namespace LabelFree.Analysis.Metrics;

/// <summary>Agreement of clusters with known labels, and how well batches mix in an embedding.</summary>
public static class ClusteringMetrics
{
    /// <summary>Adjusted Rand index (Hubert and Arabie 1985): 1 for identical partitions, about 0 for random ones.</summary>
    public static double AdjustedRandIndex(IReadOnlyList<int> a, IReadOnlyList<int> b)
    {
        var (table, rows, cols, n) = Contingency(a, b);
        static double Pairs(double x) => x * (x - 1) / 2;
        var index = table.Values.Sum(v => Pairs(v));
        var sumRows = rows.Values.Sum(v => Pairs(v));
        var sumCols = cols.Values.Sum(v => Pairs(v));
        var expected = sumRows * sumCols / Pairs(n);
        var max = (sumRows + sumCols) / 2;
        return max == expected ? 1 : (index - expected) / (max - expected);
    }

    /// <summary>Normalised mutual information with the arithmetic-mean normalisation (scikit-learn's default): MI / ((H(a) + H(b)) / 2).</summary>
    public static double NormalizedMutualInformation(IReadOnlyList<int> a, IReadOnlyList<int> b)
    {
        var (table, rows, cols, n) = Contingency(a, b);
        double mi = 0;
        foreach (var ((r, c), count) in table) mi += count / n * Math.Log(count * n / (rows[r] * cols[c]));
        var ha = -rows.Values.Sum(v => v / n * Math.Log(v / n));
        var hb = -cols.Values.Sum(v => v / n * Math.Log(v / n));
        var norm = (ha + hb) / 2;
        return norm == 0 ? 1 : Math.Max(0, mi) / norm;
    }

    /// <summary>
    /// The scVI paper's entropy of batch mixing (Lopez et al. 2018, after Haghverdi et al. 2018): for each cell, the
    /// entropy of the batch frequencies among its k nearest neighbours, averaged over cells and divided by log(batches),
    /// so 1 means every neighbourhood holds the batches in equal shares and 0 that no cell has a neighbour from another
    /// batch. (The paper averages over 100 random cells, 50 times; all cells are used here.)
    /// </summary>
    public static double BatchEntropy(Neighbors neighbors, IReadOnlyList<int> batch)
    {
        var batches = batch.Max() + 1;
        if (batches < 2) return double.NaN;
        double total = 0;
        var counts = new double[batches];
        for (var i = 0; i < neighbors.Points; i++)
        {
            Array.Clear(counts);
            for (var j = 0; j < neighbors.K; j++) counts[batch[neighbors.Index[i, j]]]++;
            double h = 0;
            foreach (var c in counts)
                if (c > 0) h -= c / neighbors.K * Math.Log(c / neighbors.K);
            total += h;
        }
        return total / neighbors.Points / Math.Log(batches);
    }

    private static (Dictionary<(int, int), double> Table, Dictionary<int, double> Rows, Dictionary<int, double> Cols, double N) Contingency(IReadOnlyList<int> a, IReadOnlyList<int> b)
    {
        if (a.Count != b.Count || a.Count == 0) throw new ArgumentException("label lists differ in length or are empty");
        var table = new Dictionary<(int, int), double>();
        var rows = new Dictionary<int, double>();
        var cols = new Dictionary<int, double>();
        for (var i = 0; i < a.Count; i++)
        {
            table[(a[i], b[i])] = table.GetValueOrDefault((a[i], b[i])) + 1;
            rows[a[i]] = rows.GetValueOrDefault(a[i]) + 1;
            cols[b[i]] = cols.GetValueOrDefault(b[i]) + 1;
        }
        return (table, rows, cols, a.Count);
    }
}
