using LabelFree.Core.Randomness;
using LabelFree.Core.Training;
using LabelFree.Data.SingleCell;
using static TorchSharp.torch;

namespace LabelFree.Learning.Methods.Scvi;

/// <summary>One minibatch of cells: counts (B, genes) and the batch one-hot (B, batches), or null with one batch.</summary>
public sealed record CellBatch(Tensor Counts, Tensor? BatchOneHot);

/// <summary>
/// Cells of a sparse count matrix as minibatches: only the requested rows are densified, on the CPU, then moved to the
/// training device. <paramref name="cells"/> selects which rows of the matrix this source serves (training or held out).
/// </summary>
public sealed class CellBatches(SparseCounts counts, int[] batchCodes, int batches, IReadOnlyList<int> cells, Device device) : IBatchSource<CellBatch>
{
    public int Count => cells.Count;

    public CellBatch Load(ReadOnlySpan<int> indices, Rng rng)
    {
        var rows = new int[indices.Length];
        for (var i = 0; i < rows.Length; i++) rows[i] = cells[indices[i]];
        return Rows(rows);
    }

    /// <summary>The given matrix rows as one batch.</summary>
    public CellBatch Rows(int[] rows)
    {
        var dense = new float[rows.Length * counts.Columns];
        counts.FillDense(rows, dense);
        var x = tensor(dense, [rows.Length, counts.Columns]).to(device);  // (B, genes)
        Tensor? oneHot = null;
        if (batches > 1)
        {
            var codes = tensor(rows.Select(r => (long)batchCodes[r]).ToArray());
            oneHot = nn.functional.one_hot(codes, batches).to(float32).to(device);  // (B, batches)
        }
        return new CellBatch(x, oneHot);
    }
}
