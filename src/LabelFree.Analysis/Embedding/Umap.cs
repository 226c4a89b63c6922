using LabelFree.Analysis.Clustering;
using LabelFree.Core.Randomness;

namespace LabelFree.Analysis.Embedding;

/// <summary>
/// UMAP (McInnes, Healy and Melville, arXiv:1802.03426, 2018) to two dimensions from a fuzzy kNN graph
/// (<see cref="WeightedGraph.FuzzyFromNeighbors"/>): stochastic gradient descent on the fuzzy cross-entropy with the
/// curve 1 / (1 + a d^2b) (a = 1.577, b = 0.895 for min_dist 0.1, spread 1), each edge sampled in proportion to its
/// weight, 5 negative samples per positive one, learning rate decaying linearly from 1, gradients clipped at 4.
/// Deviations from umap-learn: initialised from the first two principal components of the input (scaled to a spread of
/// 10) instead of a spectral layout; one seeded, single-threaded pass (so results are reproducible).
/// </summary>
public static class Umap
{
    private const double A = 1.577, B = 0.8951;

    public static float[,] Embed(float[,] data, WeightedGraph graph, long seed = 0, int? epochs = null, int negativeSamples = 5)
    {
        var n = graph.Nodes;
        var nEpochs = epochs ?? (n <= 10_000 ? 500 : 200);
        var y = Initial(data);
        // Edges (each once), with their sampling period in epochs.
        var heads = new List<int>();
        var tails = new List<int>();
        var weights = new List<double>();
        for (var v = 0; v < n; v++)
            for (var e = graph.Start[v]; e < graph.Start[v + 1]; e++)
                if (graph.Target[e] > v) { heads.Add(v); tails.Add(graph.Target[e]); weights.Add(graph.Weight[e]); }
        var maxWeight = weights.Count == 0 ? 1 : weights.Max();
        // umap-learn drops edges too weak to be sampled even once over the run.
        var period = weights.Select(w => w < maxWeight / nEpochs ? double.PositiveInfinity : maxWeight / w).ToArray();
        var next = (double[])period.Clone();
        var negativePeriod = period.Select(p => p / negativeSamples).ToArray();
        var nextNegative = (double[])negativePeriod.Clone();
        var rng = Rng.For(seed, "umap");
        for (var epoch = 1; epoch <= nEpochs; epoch++)
        {
            var alpha = 1.0 - (epoch - 1.0) / nEpochs;
            for (var e = 0; e < heads.Count; e++)
            {
                if (next[e] > epoch) continue;
                int i = heads[e], j = tails[e];
                Attract(y, i, j, alpha);
                // Negative samples owed since the last time, at negativeSamples per positive sample.
                var negatives = (int)((epoch - nextNegative[e]) / negativePeriod[e]);
                nextNegative[e] += negatives * negativePeriod[e];
                for (var s = 0; s < negatives; s++)
                {
                    var k = rng.NextInt(n);
                    if (k != i) Repel(y, i, k, alpha);
                }
                next[e] += period[e];
            }
        }
        var result = new float[n, 2];
        for (var i = 0; i < n; i++)
        {
            result[i, 0] = (float)y[i, 0];
            result[i, 1] = (float)y[i, 1];
        }
        return result;
    }

    private static void Attract(double[,] y, int i, int j, double alpha)
    {
        double dx = y[i, 0] - y[j, 0], dy = y[i, 1] - y[j, 1];
        var d2 = dx * dx + dy * dy;
        if (d2 <= 0) return;
        var coefficient = -2 * A * B * Math.Pow(d2, B - 1) / (1 + A * Math.Pow(d2, B));
        for (var c = 0; c < 2; c++)
        {
            var grad = Math.Clamp(coefficient * (c == 0 ? dx : dy), -4, 4) * alpha;
            y[i, c] += grad;
            y[j, c] -= grad;
        }
    }

    private static void Repel(double[,] y, int i, int k, double alpha)
    {
        double dx = y[i, 0] - y[k, 0], dy = y[i, 1] - y[k, 1];
        var d2 = dx * dx + dy * dy;
        var coefficient = d2 > 0 ? 2 * B / ((0.001 + d2) * (1 + A * Math.Pow(d2, B))) : 0;
        for (var c = 0; c < 2; c++)
        {
            var grad = coefficient > 0 ? Math.Clamp(coefficient * (c == 0 ? dx : dy), -4, 4) : 4;
            y[i, c] += grad * alpha;
        }
    }

    private static double[,] Initial(float[,] data)
    {
        var n = data.GetLength(0);
        var scores = data.GetLength(1) > 2 ? Pca.Scores(data, 2) : data;
        var result = new double[n, 2];
        var spread = 0.0;
        for (var i = 0; i < n; i++)
            for (var c = 0; c < Math.Min(2, scores.GetLength(1)); c++) spread = Math.Max(spread, Math.Abs(scores[i, c]));
        var scale = spread > 0 ? 10 / spread : 1;
        for (var i = 0; i < n; i++)
            for (var c = 0; c < Math.Min(2, scores.GetLength(1)); c++) result[i, c] = scores[i, c] * scale;
        return result;
    }
}
