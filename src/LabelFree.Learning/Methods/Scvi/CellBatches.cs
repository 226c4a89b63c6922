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
/// <para>
/// The dense staging buffers are reused (one per batch size; not thread-safe). A fresh buffer per minibatch (about 1 MB
/// for 2,000 genes) lands on the large-object heap and makes the GC run often; TorchSharp 0.107 passes the native
/// handles of temporary Scalars (the implicit 1 in every tensor addition, softplus's beta...) without keeping them
/// alive, so a GC during a native call can finalize one in use, which crashed training after a few hundred steps
/// ("Unknown scalar type"). Fewer collections make that race rare enough not to be met in practice.
/// </para>
/// </summary>
public sealed class CellBatches(SparseCounts counts, int[] batchCodes, int batches, IReadOnlyList<int> cells, Device device) : IBatchSource<CellBatch>
{
    private readonly Dictionary<int, float[]> _buffers = [];

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
        var length = rows.Length * counts.Columns;
        if (!_buffers.TryGetValue(length, out var dense)) _buffers[length] = dense = new float[length];
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
