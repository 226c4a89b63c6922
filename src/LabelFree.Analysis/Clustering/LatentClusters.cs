using LabelFree.Analysis.Embedding;

namespace LabelFree.Analysis.Clustering;

/// <summary>What <see cref="LatentClusters.Run"/> finds in an embedding.</summary>
public sealed record LatentClustering(Neighbors Neighbors, WeightedGraph Graph, int[] Leiden, int[] KMeans, float[,]? Umap);

/// <summary>
/// The standard single-cell analysis of an embedding (scanpy's neighbours -> leiden -> umap): a k = 15 nearest-neighbour
/// fuzzy graph, Leiden clusters on it, k-means with as many clusters (or <c>kMeansClusters</c>), and a 2-D UMAP.
/// </summary>
public static class LatentClusters
{
    public static LatentClustering Run(float[,] embedding, long seed, int neighbors = 15, double resolution = 1.0, int? kMeansClusters = null, bool umap = true)
    {
        var knn = NearestNeighbors.Find(embedding, neighbors);
        var graph = WeightedGraph.FuzzyFromNeighbors(knn);
        var leiden = Leiden.Cluster(graph, resolution, seed);
        var k = kMeansClusters ?? leiden.Max() + 1;
        var kmeans = KMeans.Cluster(embedding, k, seed);
        var layout = umap ? Umap.Embed(embedding, graph, seed) : null;
        return new LatentClustering(knn, graph, leiden, kmeans, layout);
    }
}
