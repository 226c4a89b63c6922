namespace LabelFree.Analysis.Classification;

/// <summary>A sparse matrix by rows (CSR): row i holds the columns <c>Index[Start[i]..Start[i+1]]</c> with <c>Value</c>s.</summary>
public sealed record SparseRows(int Columns, int[] Start, int[] Index, float[] Value)
{
    public int Rows => Start.Length - 1;

    /// <summary>Builds the matrix from one (column, value) list per row.</summary>
    public static SparseRows FromRows(int columns, IReadOnlyList<IReadOnlyList<(int Column, float Value)>> rows)
    {
        var start = new int[rows.Count + 1];
        for (var i = 0; i < rows.Count; i++) start[i + 1] = start[i] + rows[i].Count;
        var (index, value) = (new int[start[^1]], new float[start[^1]]);
        for (var i = 0; i < rows.Count; i++)
            for (var k = 0; k < rows[i].Count; k++)
            {
                if (rows[i][k].Column < 0 || rows[i][k].Column >= columns) throw new ArgumentOutOfRangeException(nameof(rows), $"column {rows[i][k].Column} of {columns}");
                (index[start[i] + k], value[start[i] + k]) = rows[i][k];
            }
        return new SparseRows(columns, start, index, value);
    }

    /// <summary>Row i times <paramref name="w"/> (of length <see cref="Columns"/>).</summary>
    public double Dot(int row, ReadOnlySpan<double> w)
    {
        var sum = 0.0;
        for (var k = Start[row]; k < Start[row + 1]; k++) sum += Value[k] * w[Index[k]];
        return sum;
    }

    /// <summary>Adds <paramref name="scale"/> times row i to <paramref name="target"/>.</summary>
    public void AddRow(int row, double scale, Span<double> target)
    {
        for (var k = Start[row]; k < Start[row + 1]; k++) target[Index[k]] += scale * Value[k];
    }
}
