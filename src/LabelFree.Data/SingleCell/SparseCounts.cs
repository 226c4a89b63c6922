using LabelFree.Core.Errors;

namespace LabelFree.Data.SingleCell;

/// <summary>
/// A cells x genes count matrix in compressed sparse row form (CSR: one row per cell). Only non-zero entries are held,
/// so 100,000 cells x 20,000 genes at a typical 5-10% density take a few GiB (8 bytes per stored entry).
/// Rows are densified one minibatch at a time (<see cref="FillDense"/>), never the whole matrix.
/// </summary>
public sealed class SparseCounts
{
    /// <param name="rowStart">Rows + 1 offsets into <paramref name="columns"/> and <paramref name="values"/>.</param>
    public SparseCounts(int rows, int columns, long[] rowStart, int[] columnIndex, float[] values)
    {
        if (Problem(rows, columns, rowStart, columnIndex, values.Length) is { } problem) throw new ArgumentException(problem);
        Rows = rows;
        Columns = columns;
        RowStart = rowStart;
        ColumnIndex = columnIndex;
        Values = values;
    }

    /// <summary>What makes the CSR arrays inconsistent (pointers, their order, an index out of range), or null.</summary>
    public static string? Problem(int rows, int columns, long[] rowStart, int[] columnIndex, long values)
    {
        if (rowStart.Length != rows + 1) return $"{rowStart.Length} row pointers for {rows} rows";
        if (columnIndex.LongLength != values) return $"{columnIndex.LongLength} column indices for {values} values";
        if (rowStart[0] != 0 || rowStart[^1] != values) return $"row pointers run from {rowStart[0]} to {rowStart[^1]}, expected 0 to {values}";
        for (var r = 0; r < rows; r++)
            if (rowStart[r + 1] < rowStart[r]) return $"row pointer {r + 1} ({rowStart[r + 1]}) is below the one before it ({rowStart[r]})";
        for (long k = 0; k < columnIndex.LongLength; k++)
            if ((uint)columnIndex[k] >= (uint)columns) return $"index {columnIndex[k]} at entry {k} is outside 0 to {columns - 1}";
        return null;
    }

    public int Rows { get; }
    public int Columns { get; }
    public long[] RowStart { get; }
    public int[] ColumnIndex { get; }
    public float[] Values { get; }

    public long NonZeros => ColumnIndex.LongLength;

    public ReadOnlySpan<int> RowColumns(int row) => ColumnIndex.AsSpan((int)RowStart[row], (int)(RowStart[row + 1] - RowStart[row]));

    public ReadOnlySpan<float> RowValues(int row) => Values.AsSpan((int)RowStart[row], (int)(RowStart[row + 1] - RowStart[row]));

    /// <summary>Writes the given rows densely into <paramref name="dense"/> (rows.Length x Columns, row-major).</summary>
    public void FillDense(ReadOnlySpan<int> rows, Span<float> dense)
    {
        dense[..(rows.Length * Columns)].Clear();
        for (var r = 0; r < rows.Length; r++)
        {
            var target = dense.Slice(r * Columns, Columns);
            var cols = RowColumns(rows[r]);
            var vals = RowValues(rows[r]);
            for (var k = 0; k < cols.Length; k++) target[cols[k]] = vals[k];
        }
    }

    /// <summary>Total counts of each row (the library size of each cell).</summary>
    public double[] RowSums()
    {
        var sums = new double[Rows];
        for (var r = 0; r < Rows; r++)
        {
            double s = 0;
            foreach (var v in RowValues(r)) s += v;
            sums[r] = s;
        }
        return sums;
    }

    /// <summary>Throws a <see cref="UserInputException"/> naming <paramref name="source"/> when a value is negative or not a whole number.</summary>
    public void RequireCounts(string source)
    {
        for (long i = 0; i < Values.LongLength; i++)
        {
            var v = Values[i];
            if (v < 0 || !float.IsFinite(v) || v != MathF.Round(v))
            {
                var row = Array.BinarySearch(RowStart, i);
                row = row >= 0 ? row : ~row - 1;
                while (row + 1 < RowStart.Length && RowStart[row + 1] <= i) row++;
                throw new UserInputException($"{source}: scVI models raw counts, but cell {row + 1} gene {ColumnIndex[i] + 1} holds {v} (expected whole numbers >= 0; give the raw count matrix, not normalised values)");
            }
        }
    }

    /// <summary>A matrix holding only the given rows, in that order.</summary>
    public SparseCounts SelectRows(IReadOnlyList<int> rows)
    {
        var start = new long[rows.Count + 1];
        for (var i = 0; i < rows.Count; i++) start[i + 1] = start[i] + RowStart[rows[i] + 1] - RowStart[rows[i]];
        var cols = new int[start[^1]];
        var vals = new float[start[^1]];
        for (var i = 0; i < rows.Count; i++)
        {
            RowColumns(rows[i]).CopyTo(cols.AsSpan((int)start[i]));
            RowValues(rows[i]).CopyTo(vals.AsSpan((int)start[i]));
        }
        return new SparseCounts(rows.Count, Columns, start, cols, vals);
    }

    /// <summary>Builds CSR from (row, column, value) triplets in any order (as in a MatrixMarket file).</summary>
    public static SparseCounts FromTriplets(int rows, int columns, int[] row, int[] column, float[] value)
    {
        var start = new long[rows + 1];
        foreach (var r in row) start[r + 1]++;
        for (var r = 0; r < rows; r++) start[r + 1] += start[r];
        var next = (long[])start.Clone();
        var cols = new int[row.Length];
        var vals = new float[row.Length];
        for (var i = 0; i < row.Length; i++)
        {
            var at = next[row[i]]++;
            cols[at] = column[i];
            vals[at] = value[i];
        }
        // Sort each row by column (MatrixMarket files need not be ordered).
        for (var r = 0; r < rows; r++)
        {
            var s = (int)start[r];
            var n = (int)(start[r + 1] - start[r]);
            if (n > 1) Array.Sort(cols, vals, s, n);
        }
        return new SparseCounts(rows, columns, start, cols, vals);
    }

    /// <summary>A CSC genes x cells matrix (as 10x HDF5 stores it) read as CSR cells x genes: the arrays are the same.</summary>
    public static SparseCounts FromCompressedColumns(int rows, int columns, long[] pointer, int[] index, float[] values) =>
        new(columns, rows, pointer, index, values);
}
