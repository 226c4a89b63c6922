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
        var candidates = Math.Min(k + 1, n);                              // one extra: the point itself
        var rowNorms = norms.data<float>().ToArray();
        for (var first = 0; first < n; first += blockRows)
        {
            using var block = NewDisposeScope();
            var rows = Math.Min(blockRows, n - first);
            // ||y||^2 - 2 x.y in one GEMM pass (||x||^2 is constant along a row, added back below): (rows, n)
            var scores = addmm(norms.unsqueeze(0), all.narrow(0, first, rows), all.t(), beta: 1, alpha: -2);
            var (values, indices) = scores.topk(candidates, dim: 1, largest: false, sorted: true);  // (rows, k + 1)
            var v = values.data<float>().ToArray();
            var ix = indices.data<long>().ToArray();
            for (var r = 0; r < rows; r++)
            {
                var self = first + r;
                var j = 0;
                for (var c = 0; c < candidates && j < k; c++)
                {
                    var other = (int)ix[r * candidates + c];
                    if (other == self) continue;  // not one's own neighbour (if duplicates push it out, the last candidate is dropped)
                    index[self, j] = other;
                    distance[self, j] = MathF.Sqrt(MathF.Max(0, v[r * candidates + c] + rowNorms[self]));
                    j++;
                }
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
