using LabelFree.Core.Randomness;

namespace LabelFree.Analysis.Clustering;

/// <summary>
/// The Leiden algorithm (Traag, Waltman and van Eck, "From Louvain to Leiden: guaranteeing well-connected
/// communities", Scientific Reports 2019) maximising modularity with a resolution parameter:
/// Q = sum_c [ e_c - resolution * S_c^2 / (4m) ] / m, with e_c the weight inside community c and S_c its strength.
/// Each level: (1) fast local moving of nodes, visiting a queue of nodes whose neighbourhood changed; (2) refinement,
/// where each community is rebuilt from singletons that merge only into well-connected sub-communities, chosen at
/// random with probability proportional to exp(gain / theta); (3) aggregation of the refined partition, starting the
/// next level from the unrefined one. Stops when a level moves nothing. Seeded: the same graph and seed give the same
/// clusters. Clusters are numbered by decreasing size.
/// </summary>
public static class Leiden
{
    public static int[] Cluster(WeightedGraph graph, double resolution = 1.0, long seed = 0, double theta = 0.01, int maxLevels = 20)
    {
        var rng = Rng.For(seed, "leiden");
        var membership = Enumerable.Range(0, graph.Nodes).ToArray();  // original node -> community
        var current = graph;
        var partition = Enumerable.Range(0, current.Nodes).ToArray();  // aggregate node -> community
        for (var level = 0; level < maxLevels; level++)
        {
            MoveNodesFast(current, partition, resolution, rng);
            var communities = Renumber(partition);
            if (communities == current.Nodes || level == maxLevels - 1) break;  // every community is one node: done
            var refined = Refine(current, partition, resolution, theta, rng);
            var refinedCount = Renumber(refined);
            // Aggregate: one node per refined community, starting in its parent's (unrefined) community.
            var parent = new int[refinedCount];
            for (var v = 0; v < current.Nodes; v++) parent[refined[v]] = partition[v];
            Project(membership, refined);
            current = Aggregate(current, refined, refinedCount);
            partition = parent;
        }
        Project(membership, partition);
        Renumber(membership);
        return BySize(membership);
    }

    /// <summary>Modularity of a partition (with the resolution), for tests and reports.</summary>
    public static double Modularity(WeightedGraph graph, int[] partition, double resolution = 1.0)
    {
        var m = graph.TotalWeight;
        var inside = new Dictionary<int, double>();
        var strength = new Dictionary<int, double>();
        for (var v = 0; v < graph.Nodes; v++)
        {
            strength[partition[v]] = strength.GetValueOrDefault(partition[v]) + graph.Strength[v];
            for (var e = graph.Start[v]; e < graph.Start[v + 1]; e++)
                if (partition[graph.Target[e]] == partition[v]) inside[partition[v]] = inside.GetValueOrDefault(partition[v]) + (graph.Target[e] == v ? 2 : 1) * graph.Weight[e];
        }
        return strength.Keys.Sum(c => inside.GetValueOrDefault(c) / (2 * m) - resolution * Math.Pow(strength[c] / (2 * m), 2));
    }

    private static void MoveNodesFast(WeightedGraph g, int[] partition, double resolution, Rng rng)
    {
        var n = g.Nodes;
        var twoM = 2 * g.TotalWeight;
        var total = new double[n];  // community strength
        for (var v = 0; v < n; v++) total[partition[v]] += g.Strength[v];
        var queue = new Queue<int>(rng.Permutation(n));
        var queued = Enumerable.Repeat(true, n).ToArray();
        var toCommunity = new double[n];
        var touched = new List<int>();
        var empty = new Stack<int>(Enumerable.Range(0, n).Where(c => total[c] == 0));
        while (queue.Count > 0)
        {
            var v = queue.Dequeue();
            queued[v] = false;
            var own = partition[v];
            var kv = g.Strength[v];
            touched.Clear();
            for (var e = g.Start[v]; e < g.Start[v + 1]; e++)
            {
                var u = g.Target[e];
                if (u == v) continue;
                var c = partition[u];
                if (toCommunity[c] == 0) touched.Add(c);
                toCommunity[c] += g.Weight[e];
            }
            total[own] -= kv;
            var best = own;
            var bestGain = toCommunity[own] - resolution * kv * total[own] / twoM;
            foreach (var c in touched)
            {
                var gain = toCommunity[c] - resolution * kv * total[c] / twoM;
                if (gain > bestGain + 1e-12) { best = c; bestGain = gain; }
            }
            if (bestGain < -1e-12 && empty.Count > 0 && total[own] > 0) best = empty.Pop();  // alone is better
            total[best] += kv;
            foreach (var c in touched) toCommunity[c] = 0;
            toCommunity[own] = 0;
            if (best == own) continue;
            partition[v] = best;
            if (total[own] == 0) empty.Push(own);
            for (var e = g.Start[v]; e < g.Start[v + 1]; e++)
            {
                var u = g.Target[e];
                if (!queued[u] && partition[u] != best) { queue.Enqueue(u); queued[u] = true; }
            }
        }
    }

    private static int[] Refine(WeightedGraph g, int[] partition, double resolution, double theta, Rng rng)
    {
        var n = g.Nodes;
        var twoM = 2 * g.TotalWeight;
        var refined = Enumerable.Range(0, n).ToArray();
        var communityTotal = new double[n];
        for (var v = 0; v < n; v++) communityTotal[partition[v]] += g.Strength[v];
        var refinedTotal = (double[])g.Strength.Clone();
        // External weight of each refined community to the rest of its parent community.
        var external = new double[n];
        for (var v = 0; v < n; v++)
            for (var e = g.Start[v]; e < g.Start[v + 1]; e++)
                if (g.Target[e] != v && partition[g.Target[e]] == partition[v]) external[v] += g.Weight[e];
        var singleton = Enumerable.Repeat(true, n).ToArray();
        var toRefined = new double[n];
        var touched = new List<int>();
        foreach (var v in rng.Permutation(n))
        {
            if (!singleton[v]) continue;
            var c = partition[v];
            var kv = g.Strength[v];
            if (external[refined[v]] < resolution * kv * (communityTotal[c] - kv) / twoM) continue;  // v not well connected
            touched.Clear();
            for (var e = g.Start[v]; e < g.Start[v + 1]; e++)
            {
                var u = g.Target[e];
                if (u == v || partition[u] != c) continue;
                var r = refined[u];
                if (toRefined[r] == 0) touched.Add(r);
                toRefined[r] += g.Weight[e];
            }
            var own = refined[v];
            var candidates = new List<(int R, double Gain)>();
            foreach (var r in touched)
            {
                if (r == own) continue;
                if (external[r] < resolution * refinedTotal[r] * (communityTotal[c] - refinedTotal[r]) / twoM) continue;  // R not well connected
                var gain = toRefined[r] - resolution * kv * refinedTotal[r] / twoM;
                if (gain >= 0) candidates.Add((r, gain));
            }
            foreach (var r in touched) toRefined[r] = 0;
            if (candidates.Count == 0) continue;
            var maxGain = candidates.Max(x => x.Gain);
            var weights = candidates.Select(x => Math.Exp((x.Gain - maxGain) / theta)).ToArray();
            var pick = rng.NextDouble() * weights.Sum();
            var chosen = candidates[^1].R;
            for (var i = 0; i < candidates.Count; i++)
                if ((pick -= weights[i]) <= 0) { chosen = candidates[i].R; break; }
            // Move v into the chosen refined community and update external weights.
            double toChosen = 0;
            for (var e = g.Start[v]; e < g.Start[v + 1]; e++)
                if (g.Target[e] != v && refined[g.Target[e]] == chosen) toChosen += g.Weight[e];
            external[chosen] += external[own] - 2 * toChosen;
            refinedTotal[chosen] += kv;
            refinedTotal[own] = 0;
            external[own] = 0;
            refined[v] = chosen;
            singleton[v] = false;
            MarkNotSingleton(refined, chosen, singleton, g, v);
        }
        return refined;
    }

    private static void MarkNotSingleton(int[] refined, int chosen, bool[] singleton, WeightedGraph g, int v)
    {
        // The node(s) already in the chosen community are no longer singletons (only neighbours of v can be).
        for (var e = g.Start[v]; e < g.Start[v + 1]; e++)
            if (refined[g.Target[e]] == chosen) singleton[g.Target[e]] = false;
    }

    private static WeightedGraph Aggregate(WeightedGraph g, int[] community, int count)
    {
        var edges = new Dictionary<long, double>();
        for (var v = 0; v < g.Nodes; v++)
            for (var e = g.Start[v]; e < g.Start[v + 1]; e++)
            {
                var u = g.Target[e];
                if (u < v) continue;  // each undirected edge once
                long a = community[v], b = community[u];
                var key = Math.Min(a, b) * count + Math.Max(a, b);
                edges[key] = edges.GetValueOrDefault(key) + g.Weight[e];
            }
        return WeightedGraph.FromEdges(count, edges.Select(kv => ((int)(kv.Key / count), (int)(kv.Key % count), kv.Value)));
    }

    private static void Project(int[] membership, int[] partition)
    {
        for (var i = 0; i < membership.Length; i++) membership[i] = partition[membership[i]];
    }

    /// <summary>Renumbers labels to 0..count-1 in order of first appearance; returns count.</summary>
    private static int Renumber(int[] labels)
    {
        var map = new Dictionary<int, int>();
        for (var i = 0; i < labels.Length; i++)
        {
            if (!map.TryGetValue(labels[i], out var id)) map[labels[i]] = id = map.Count;
            labels[i] = id;
        }
        return map.Count;
    }

    private static int[] BySize(int[] labels)
    {
        var order = labels.GroupBy(l => l).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).Select((g, i) => (g.Key, i)).ToDictionary(p => p.Key, p => p.i);
        return labels.Select(l => order[l]).ToArray();
    }
}
