using LabelFree.Analysis.Clustering;
using LabelFree.Analysis.Embedding;
using LabelFree.Analysis.Metrics;
using LabelFree.Core.Randomness;
using LabelFree.TestKit;

namespace LabelFree.Analysis.Tests.Clustering;

public class ClusteringTests
{
    /// <summary>Gaussian blobs in <paramref name="dims"/> dimensions, 4 units apart on the axes.</summary>
    private static (float[,] Points, int[] Labels) Blobs(int perBlob, int blobs, int dims, long seed)
    {
        var rng = Rng.For(seed, "blobs");
        var points = new float[perBlob * blobs, dims];
        var labels = new int[perBlob * blobs];
        for (var i = 0; i < perBlob * blobs; i++)
        {
            labels[i] = i % blobs;
            for (var d = 0; d < dims; d++) points[i, d] = (float)(rng.NextGaussian() * 0.5 + (d == labels[i] % dims ? 4 * (1 + labels[i] / dims) : 0));
        }
        return (points, labels);
    }

    [Fact]
    public void Ari_and_nmi_match_known_values()
    {
        int[] a = [0, 0, 0, 1, 1, 1];
        int[] b = [1, 1, 0, 0, 2, 2];
        Assert.Equal(1.0, ClusteringMetrics.AdjustedRandIndex(a, [5, 5, 5, 7, 7, 7]), 12);
        Assert.Equal(1.0, ClusteringMetrics.NormalizedMutualInformation(a, [5, 5, 5, 7, 7, 7]), 12);
        // By hand: pairs inside cells 2, row pairs 6, column pairs 3, expected 6 * 3 / 15 = 1.2, max 4.5 -> (2 - 1.2) / 3.3.
        Assert.Equal(0.8 / 3.3, ClusteringMetrics.AdjustedRandIndex(a, b), 9);
        // MI / mean(H(a), H(b)) from the same table, computed separately in numpy: 0.5158037429793888.
        Assert.Equal(0.51580374298, ClusteringMetrics.NormalizedMutualInformation(a, b), 9);
    }

    [Fact]
    public void Exact_neighbours_match_a_naive_search()
    {
        _ = TestTorch.Cpu;
        var (points, _) = Blobs(40, 3, 5, seed: 1);
        var found = NearestNeighbors.Find(points, 6, blockRows: 17);
        for (var i = 0; i < 120; i += 7)
        {
            var naive = Enumerable.Range(0, 120).Where(j => j != i)
                .OrderBy(j => Enumerable.Range(0, 5).Sum(d => Math.Pow(points[i, d] - points[j, d], 2))).Take(6).ToArray();
            Assert.Equal(naive, Enumerable.Range(0, 6).Select(j => found.Index[i, j]));
        }
    }

    [Fact]
    public void Leiden_kmeans_and_umap_recover_well_separated_blobs()
    {
        _ = TestTorch.Cpu;
        var (points, labels) = Blobs(60, 4, 6, seed: 2);
        var result = LatentClusters.Run(points, seed: 3);
        Assert.Equal(1.0, ClusteringMetrics.AdjustedRandIndex(labels, result.Leiden), 6);
        Assert.Equal(1.0, ClusteringMetrics.AdjustedRandIndex(labels, result.KMeans), 6);
        Assert.True(Leiden.Modularity(result.Graph, result.Leiden) > 0.6);
        // UMAP keeps each point nearer its own blob's centre than any other blob's centre.
        var umap = result.Umap!;
        var centres = Enumerable.Range(0, 4).Select(c => (X: Enumerable.Range(0, 240).Where(i => labels[i] == c).Average(i => umap[i, 0]),
            Y: Enumerable.Range(0, 240).Where(i => labels[i] == c).Average(i => umap[i, 1]))).ToArray();
        var nearest = Enumerable.Range(0, 240).Select(i => Enumerable.Range(0, 4).MinBy(c => Math.Pow(umap[i, 0] - centres[c].X, 2) + Math.Pow(umap[i, 1] - centres[c].Y, 2))).ToArray();
        Assert.True(ClusteringMetrics.AdjustedRandIndex(labels, nearest) > 0.95);
        Assert.Equal(result.Leiden, LatentClusters.Run(points, seed: 3, umap: false).Leiden);  // seeded
    }

    [Fact]
    public void Leiden_finds_a_ring_of_cliques()
    {
        // 8 cliques of 6 nodes, neighbouring cliques joined by one edge: the modularity optimum is one cluster per clique.
        var edges = new List<(int, int, double)>();
        for (var c = 0; c < 8; c++)
        {
            for (var i = 0; i < 6; i++)
                for (var j = i + 1; j < 6; j++) edges.Add((c * 6 + i, c * 6 + j, 1));
            edges.Add((c * 6, (c + 1) % 8 * 6 + 1, 1));
        }
        var labels = Leiden.Cluster(WeightedGraph.FromEdges(48, edges), seed: 1);
        Assert.Equal(1.0, ClusteringMetrics.AdjustedRandIndex(Enumerable.Range(0, 48).Select(i => i / 6).ToArray(), labels), 9);
    }

    [Fact]
    public void Batch_entropy_is_1_when_mixed_and_0_when_separate()
    {
        _ = TestTorch.Cpu;
        var (points, labels) = Blobs(50, 2, 3, seed: 4);
        var knn = NearestNeighbors.Find(points, 10);
        Assert.Equal(0.0, ClusteringMetrics.BatchEntropy(knn, labels), 6);       // batch = blob: nothing mixes
        var alternating = Enumerable.Range(0, 100).Select(i => Rng.For(5, "b", i).NextInt(2)).ToArray();
        Assert.True(ClusteringMetrics.BatchEntropy(knn, alternating) > 0.85);      // batch independent of position
    }

    [Fact]
    public void Pca_recovers_the_main_axis_with_blockwise_input()
    {
        _ = TestTorch.Cpu;
        var rng = Rng.For(6, "pca");
        var data = new float[300, 4];
        for (var i = 0; i < 300; i++)
        {
            var t = rng.NextGaussian() * 5;
            data[i, 0] = (float)(t + 0.1 * rng.NextGaussian());
            data[i, 1] = (float)(-t + 0.1 * rng.NextGaussian());
            data[i, 2] = (float)(0.1 * rng.NextGaussian());
            data[i, 3] = 7;
        }
        var scores = Pca.Scores(data, 2);
        var first = Enumerable.Range(0, 300).Select(i => (double)scores[i, 0]).ToArray();
        var variance = first.Select(v => v * v).Average();
        Assert.InRange(variance, 2 * 25 * 0.8, 2 * 25 * 1.2);                   // t projected on (1, -1) / sqrt 2
        Assert.Equal(0.0, first.Average(), 3);
    }
}
