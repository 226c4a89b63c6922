namespace LabelFree.Analysis.Clustering;

/// <summary>
/// An undirected weighted graph in adjacency-list (CSR) form: each edge is listed from both ends; a self-loop once,
/// with its full weight. <see cref="Strength"/> is each node's weighted degree (a self-loop counts twice, so the
/// strengths sum to twice the total edge weight).
/// </summary>
public sealed class WeightedGraph
{
    public WeightedGraph(int nodes, int[] start, int[] target, double[] weight)
    {
        Nodes = nodes;
        Start = start;
        Target = target;
        Weight = weight;
        Strength = new double[nodes];
        for (var v = 0; v < nodes; v++)
            for (var e = start[v]; e < start[v + 1]; e++) Strength[v] += target[e] == v ? 2 * weight[e] : weight[e];
        TotalWeight = Strength.Sum() / 2;
    }

    public int Nodes { get; }
    public int[] Start { get; }
    public int[] Target { get; }
    public double[] Weight { get; }
    public double[] Strength { get; }
    public double TotalWeight { get; }

    /// <summary>
    /// UMAP's fuzzy simplicial set of a kNN graph (McInnes et al. 2018, and scanpy's neighbour graph): for each point,
    /// rho = distance to its nearest neighbour and sigma such that sum_j exp(-(d_j - rho) / sigma) = log2(k);
    /// w(i -> j) = exp(-(d_ij - rho_i) / sigma_i); the directed weights are combined by the fuzzy union a + b - ab.
    /// </summary>
    public static WeightedGraph FuzzyFromNeighbors(Neighbors neighbors)
    {
        int n = neighbors.Points, k = neighbors.K;
        var directed = new Dictionary<long, double>(n * k);
        var target = Math.Log2(k + 1);  // umap-learn counts the point itself among its k neighbours
        for (var i = 0; i < n; i++)
        {
            var rho = neighbors.Distance[i, 0];
            var sigma = SmoothSigma(neighbors, i, rho, target);
            for (var j = 0; j < k; j++)
            {
                var w = Math.Exp(-Math.Max(0, neighbors.Distance[i, j] - rho) / sigma);
                directed[(long)i * n + neighbors.Index[i, j]] = w;
            }
        }
        var edges = new Dictionary<long, double>(directed.Count);
        foreach (var (key, a) in directed)
        {
            long i = key / n, j = key % n;
            var b = directed.GetValueOrDefault(j * n + i);
            var union = a + b - a * b;
            edges[Math.Min(i, j) * n + Math.Max(i, j)] = union;
        }
        return FromEdges(n, edges.Select(kv => ((int)(kv.Key / n), (int)(kv.Key % n), kv.Value)));
    }

    /// <summary>Builds the graph from undirected edges (i, j, w), each given once.</summary>
    public static WeightedGraph FromEdges(int nodes, IEnumerable<(int I, int J, double W)> edges)
    {
        var list = edges.ToList();
        var start = new int[nodes + 1];
        foreach (var (i, j, _) in list)
        {
            start[i + 1]++;
            if (i != j) start[j + 1]++;
        }
        for (var v = 0; v < nodes; v++) start[v + 1] += start[v];
        var next = (int[])start.Clone();
        var target = new int[start[nodes]];
        var weight = new double[start[nodes]];
        foreach (var (i, j, w) in list)
        {
            target[next[i]] = j;
            weight[next[i]++] = w;
            if (i == j) continue;
            target[next[j]] = i;
            weight[next[j]++] = w;
        }
        return new WeightedGraph(nodes, start, target, weight);
    }

    private static double SmoothSigma(Neighbors neighbors, int i, float rho, double target)
    {
        double low = 0, high = double.PositiveInfinity, sigma = 1;
        for (var iteration = 0; iteration < 64; iteration++)
        {
            double sum = 0;
            for (var j = 0; j < neighbors.K; j++) sum += Math.Exp(-Math.Max(0, neighbors.Distance[i, j] - rho) / sigma);
            if (Math.Abs(sum - target) < 1e-5) break;
            if (sum > target)
            {
                high = sigma;
                sigma = (low + high) / 2;
            }
            else
            {
                low = sigma;
                sigma = double.IsPositiveInfinity(high) ? sigma * 2 : (low + high) / 2;
            }
        }
        return Math.Max(sigma, 1e-3 * MeanDistance(neighbors, i));
    }

    private static double MeanDistance(Neighbors neighbors, int i)
    {
        double sum = 0;
        for (var j = 0; j < neighbors.K; j++) sum += neighbors.Distance[i, j];
        return Math.Max(sum / neighbors.K, 1e-12);
    }
}
