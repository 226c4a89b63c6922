using static TorchSharp.torch;

namespace LabelFree.Analysis.Clustering;

/// <summary>The k nearest other points of each point: indices and Euclidean distances, each (points, k), nearest first.</summary>
public sealed record Neighbors(int[,] Index, float[,] Distance)
{
    public int Points => Index.GetLength(0);
    public int K => Index.GetLength(1);
}

/// <summary>
/// Exact k-nearest neighbours by brute force (blocked distance matrix products in LibTorch). On a 10-dimensional latent
/// this stays fast up to about 10^5 points (see bench/cells), so no approximate index is needed at that scale.
/// </summary>
public static class NearestNeighbors
{
    public static Neighbors Find(float[,] points, int k, int blockRows = 512)
    {
        var n = points.GetLength(0);
        var d = points.GetLength(1);
        k = Math.Min(k, n - 1);
        if (k < 1) throw new ArgumentException("need at least two points for neighbours");
        var index = new int[n, k];
        var distance = new float[n, k];
        using var scope = NewDisposeScope();
        var all = tensor(Flatten(points), [n, d]);                        // (n, d)
        var norms = all.pow(2).sum(1);                                    // (n,)
        for (var first = 0; first < n; first += blockRows)
        {
            using var block = NewDisposeScope();
            var rows = Math.Min(blockRows, n - first);
            var x = all.narrow(0, first, rows);                           // (rows, d)
            var squared = (norms.narrow(0, first, rows).unsqueeze(1) + norms.unsqueeze(0) - 2 * x.matmul(all.t())).clamp_min(0);  // (rows, n)
            squared.index_put_(float.PositiveInfinity, arange(rows), arange(first, first + rows));  // not one's own neighbour
            var (values, indices) = squared.topk(k, dim: 1, largest: false, sorted: true);          // (rows, k)
            var v = values.sqrt().data<float>().ToArray();
            var ix = indices.data<long>().ToArray();
            for (var r = 0; r < rows; r++)
                for (var j = 0; j < k; j++)
                {
                    index[first + r, j] = (int)ix[r * k + j];
                    distance[first + r, j] = v[r * k + j];
                }
        }
        return new Neighbors(index, distance);
    }

    internal static float[] Flatten(float[,] values)
    {
        var flat = new float[values.Length];
        Buffer.BlockCopy(values, 0, flat, 0, values.Length * sizeof(float));
        return flat;
    }
}
