using System.Globalization;
using System.Text;
using LabelFree.Analysis.Clustering;
using LabelFree.Analysis.Embedding;
using LabelFree.Analysis.Metrics;
using LabelFree.Core.IO;
using LabelFree.Core.Progress;
using LabelFree.Data.SingleCell;
using LabelFree.Learning.Methods.Scvi;
using LabelFree.Reports.Figures;
using LabelFree.Workflows.Runs;

namespace LabelFree.Workflows.Cells;

/// <summary>A trained scVI model and counts with known labels: the obs columns of the batches and of the cell types.</summary>
public sealed record ScviEvalSettings(string Model, string Input, string BatchKey, string LabelsKey, string? Layer = null);

/// <summary>Scores of one embedding: clusters against the known labels, and how well batches mix among neighbours.</summary>
public sealed record EmbeddingScores(double AriLeiden, double NmiLeiden, double AriKmeans, double NmiKmeans, int LeidenClusters, double? BatchEntropy);

/// <summary>metrics.json of an scVI evaluation: scVI and the standard baseline side by side.</summary>
public sealed record CellsEvalMetrics(int Cells, int Genes, int Batches, int Labels, EmbeddingScores Scvi, EmbeddingScores BaselinePca,
    double NegativeElbo, int BatchEntropyNeighbors, string Baseline);

/// <summary>
/// ARI and NMI of Leiden and k-means clusters against known labels, and the batch-mixing entropy (Lopez et al. 2018),
/// for the scVI latent and for the standard baseline (library-size normalisation to 10,000, log1p, PCA with 50
/// components, the same neighbours, Leiden and k-means) in the same run: metrics.json, clusters.tsv, UMAP figures.
/// </summary>
public static class ScviEvaluation
{
    public const int BaselineComponents = 50;
    public const int MixingNeighbors = 50;

    public static CellsEvalMetrics Run(ScviEvalSettings settings, RunSettings run, IProgressReporter progress, string title = "cells")
    {
        var device = run.StartTorch();
        using var model = Scvi.Load(settings.Model, device);
        var data = CellOutputs.Load(settings.Input, settings.Layer, progress, settings.BatchKey, settings.LabelsKey);
        var codes = CellOutputs.BatchCodes(model, data, settings.BatchKey, settings.Input);
        var (batch, batchNames) = CellData.Encode(data.Column(settings.BatchKey, settings.Input));
        var (labels, labelNames) = CellData.Encode(data.Column(settings.LabelsKey, settings.Input));
        Directory.CreateDirectory(Path.Combine(run.Out, "figures"));

        progress.Info("scVI: embedding and clustering");
        var latent = model.Embed(data.Counts, codes);
        var scvi = Score(latent, labels, batch, labelNames.Length, run.Seed);
        progress.Info($"baseline: library-size normalisation, log1p, PCA {BaselineComponents}, then the same clustering");
        var pca = Pca.Scores(data.Cells, data.Genes, BaselineComponents, (first, count) => Normalization.LogNormalizedRows(data.Counts, first, count));
        var baseline = Score(pca, labels, batch, labelNames.Length, run.Seed);
        var elbo = model.Elbo(data.Counts, codes, Enumerable.Range(0, data.Cells).ToArray(), run.Seed);

        var metrics = new CellsEvalMetrics(data.Cells, data.Genes, batchNames.Length, labelNames.Length, scvi.Scores, baseline.Scores, elbo, MixingNeighbors,
            $"normalize_total(1e4), log1p, PCA({BaselineComponents}); kNN 15, Leiden (resolution 1), k-means (k = {labelNames.Length})");
        Json.Write(Path.Combine(run.Out, "metrics.json"), metrics);

        var table = new StringBuilder("cell\tlabel\tbatch\tscvi_leiden\tscvi_kmeans\tpca_leiden\tpca_kmeans\n");
        for (var i = 0; i < data.Cells; i++)
            table.Append(CultureInfo.InvariantCulture, $"{data.CellNames[i]}\t{labelNames[labels[i]]}\t{batchNames[batch[i]]}\t{scvi.Clusters.Leiden[i]}\t{scvi.Clusters.KMeans[i]}\t{baseline.Clusters.Leiden[i]}\t{baseline.Clusters.KMeans[i]}\n");
        AtomicFile.WriteAllText(Path.Combine(run.Out, "clusters.tsv"), table.ToString());
        foreach (var (name, result) in new[] { ("scvi", scvi.Clusters), ("pca", baseline.Clusters) })
        {
            var label = name == "scvi" ? "scVI" : "PCA baseline";
            ScatterChart.SavePng(Path.Combine(run.Out, "figures", $"umap_{name}_labels.png"), $"{title}: {label}, known labels", result.Umap!, labels.Select(l => labelNames[l]).ToArray());
            ScatterChart.SavePng(Path.Combine(run.Out, "figures", $"umap_{name}_batch.png"), $"{title}: {label}, batches", result.Umap!, batch.Select(b => batchNames[b]).ToArray());
        }
        return metrics;
    }

    private static (EmbeddingScores Scores, LatentClustering Clusters) Score(float[,] embedding, int[] labels, int[] batch, int labelCount, long seed)
    {
        var clusters = LatentClusters.Run(embedding, seed, kMeansClusters: labelCount);
        double? mixing = batch.Max() > 0 ? ClusteringMetrics.BatchEntropy(NearestNeighbors.Find(embedding, MixingNeighbors), batch) : null;
        var scores = new EmbeddingScores(
            ClusteringMetrics.AdjustedRandIndex(labels, clusters.Leiden), ClusteringMetrics.NormalizedMutualInformation(labels, clusters.Leiden),
            ClusteringMetrics.AdjustedRandIndex(labels, clusters.KMeans), ClusteringMetrics.NormalizedMutualInformation(labels, clusters.KMeans),
            clusters.Leiden.Max() + 1, mixing);
        return (scores, clusters);
    }
}
