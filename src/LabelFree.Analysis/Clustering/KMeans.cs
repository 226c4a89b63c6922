using LabelFree.Core.Randomness;

namespace LabelFree.Analysis.Clustering;

/// <summary>
/// k-means (Lloyd's iterations) with k-means++ seeding (Arthur and Vassilvitskii 2007); the best of
/// several seeded runs by within-cluster sum of squares. Clusters are numbered by decreasing size.
/// </summary>
public static class KMeans
{
    public static int[] Cluster(float[,] points, int k, long seed = 0, int restarts = 4, int maxIterations = 100)
    {
        int n = points.GetLength(0), d = points.GetLength(1);
        k = Math.Clamp(k, 1, n);
        int[]? best = null;
        var bestCost = double.PositiveInfinity;
        for (var run = 0; run < restarts; run++)
        {
            var rng = Rng.For(seed, "kmeans", run);
            var centers = PlusPlus(points, k, rng);
            var labels = new int[n];
            double cost = 0;
            for (var iteration = 0; iteration < maxIterations; iteration++)
            {
                var changed = 0;
                cost = 0;
                for (var i = 0; i < n; i++)
                {
                    var (c, dist) = Nearest(points, i, centers);
                    if (c != labels[i] || iteration == 0) changed++;
                    labels[i] = c;
                    cost += dist;
                }
                var sums = new double[k, d];
                var counts = new int[k];
                for (var i = 0; i < n; i++)
                {
                    counts[labels[i]]++;
                    for (var j = 0; j < d; j++) sums[labels[i], j] += points[i, j];
                }
                for (var c = 0; c < k; c++)
                    for (var j = 0; j < d; j++)
                        centers[c, j] = counts[c] == 0 ? points[rng.NextInt(n), j] : sums[c, j] / counts[c];
                if (changed == 0) break;
            }
            if (cost < bestCost)
            {
                bestCost = cost;
                best = labels;
            }
        }
        var order = best!.GroupBy(l => l).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).Select((g, i) => (g.Key, i)).ToDictionary(p => p.Key, p => p.i);
        return best!.Select(l => order[l]).ToArray();
    }

    private static double[,] PlusPlus(float[,] points, int k, Rng rng)
    {
        int n = points.GetLength(0), d = points.GetLength(1);
        var centers = new double[k, d];
        var first = rng.NextInt(n);
        for (var j = 0; j < d; j++) centers[0, j] = points[first, j];
        var closest = new double[n];
        Array.Fill(closest, double.PositiveInfinity);
        for (var c = 1; c < k; c++)
        {
            double total = 0;
            for (var i = 0; i < n; i++)
            {
                double dist = 0;
                for (var j = 0; j < d; j++) dist += Math.Pow(points[i, j] - centers[c - 1, j], 2);
                closest[i] = Math.Min(closest[i], dist);
                total += closest[i];
            }
            var pick = rng.NextDouble() * total;
            var chosen = n - 1;
            for (var i = 0; i < n; i++)
                if ((pick -= closest[i]) <= 0) { chosen = i; break; }
            for (var j = 0; j < d; j++) centers[c, j] = points[chosen, j];
        }
        return centers;
    }

    private static (int Center, double Distance) Nearest(float[,] points, int i, double[,] centers)
    {
        var best = 0;
        var bestDist = double.PositiveInfinity;
        for (var c = 0; c < centers.GetLength(0); c++)
        {
            double dist = 0;
            for (var j = 0; j < centers.GetLength(1); j++) dist += Math.Pow(points[i, j] - centers[c, j], 2);
            if (dist < bestDist) { bestDist = dist; best = c; }
        }
        return (best, bestDist);
    }
}
