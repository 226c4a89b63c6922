namespace LabelFree.Data.SingleCell;

/// <summary>The standard single-cell normalisation (scanpy's normalize_total + log1p): each cell scaled to <c>target</c> total counts, then log(1 + x).</summary>
public static class Normalization
{
    /// <summary>Rows first .. first + count - 1, normalised and log-transformed, densely (count x genes, row-major).</summary>
    public static float[] LogNormalizedRows(SparseCounts counts, int first, int count, double target = 1e4)
    {
        var rows = Enumerable.Range(first, count).ToArray();
        var dense = new float[count * counts.Columns];
        counts.FillDense(rows, dense);
        for (var r = 0; r < count; r++)
        {
            var row = dense.AsSpan(r * counts.Columns, counts.Columns);
            double total = 0;
            foreach (var v in row) total += v;
            var factor = total > 0 ? target / total : 0;
            for (var g = 0; g < row.Length; g++) row[g] = (float)Math.Log(1 + row[g] * factor);
        }
        return dense;
    }
}
