using System.Globalization;
using LabelFree.Core.IO;
using LabelFree.Core.Progress;
using LabelFree.Data.SingleCell;
using LabelFree.Data.SingleCell.Simulation;
using LabelFree.Learning.Methods.Scvi;
using LabelFree.Reports.Html;
using LabelFree.Workflows.Cells;

namespace LabelFree.Cli.Commands.Demo;

/// <summary>What the demo's single-cell part found.</summary>
public sealed record CellsDemoResult(int PbmcClusters, int VisiumClusters, CellsEvalMetrics Simulated);

/// <summary>
/// The demo's single-cell part (scVI): the bundled real 10x data, PBMC (MatrixMarket, 80 cells) and Visium mouse brain
/// (HDF5, 2,695 spots), each trained without labels, clustered (Leiden) and laid out with UMAP; then simulated counts
/// with known cell types and two batches, where scVI and the standard PCA baseline are scored side by side.
/// </summary>
public static class CellsPipeline
{
    public static CellsDemoResult Run(DemoSettings demo, HtmlReport report, IProgressReporter progress)
    {
        var folder = Path.Combine(demo.Out, "cells");
        Directory.CreateDirectory(folder);
        ScviTrainSummary Train(string input, string name, string title, string? batchKey = null, int? epochs = null) =>
            ScviTraining.Run(new ScviTrainSettings(input, batchKey, GeneLikelihood.Zinb, epochs), demo.In(Path.Combine(folder, name)), demo.Resume, progress, title);

        progress.Info("cells: PBMC (10x MatrixMarket)");
        var pbmcFolder = Path.GetDirectoryName(DataFolder.File("singlecell/pbmc_small/matrix.mtx.gz"))!;
        var pbmc = Train(pbmcFolder, "pbmc", "PBMC");
        progress.Info("cells: Visium mouse brain (10x HDF5)");
        var visium = Train(DataFolder.File("singlecell/visium_mouse_brain/filtered_feature_bc_matrix.h5.gz"), "visium", "Visium mouse brain",
            epochs: demo.Quick ? 20 : null);

        progress.Info("cells: simulated counts with known cell types and two batches");
        var options = demo.Quick ? new SimulationOptions { Cells = 500, Genes = 150 } : new SimulationOptions { Cells = 2000, Genes = 500 };
        var simulatedPath = Path.Combine(folder, "simulated", "counts.h5ad");
        H5adWriter.Write(simulatedPath, CountSimulator.Simulate(options, demo.Seed), new Dictionary<string, float[,]>());
        Train(simulatedPath, "simulated/run", "simulated", batchKey: "batch");
        var eval = ScviEvaluation.Run(new ScviEvalSettings(Path.Combine(folder, "simulated", "run", "model"), simulatedPath, "batch", "cell_type"),
            demo.In(Path.Combine(folder, "simulated", "eval")), progress, "simulated");
        var result = new CellsDemoResult(pbmc.Embedding.LeidenClusters, visium.Embedding.LeidenClusters, eval);
        Json.Write(Path.Combine(folder, "summary.json"), result);

        static string F(double? v) => v is { } x ? x.ToString("F3", CultureInfo.InvariantCulture) : "";
        report.Section("Single cells: scVI (negative-binomial VAE with batch correction)")
            .Paragraph($"scVI (Lopez et al. 2018) with scvi-tools' defaults (ZINB decoder, 1 hidden layer of 128, latent 10, KL warm-up over 400 epochs) " +
                       $"was trained on raw counts without labels. PBMC: {pbmc.Embedding.Cells} cells x {pbmc.Embedding.Genes} genes, {pbmc.Epochs} epochs, " +
                       $"{pbmc.Embedding.LeidenClusters} Leiden clusters. Visium mouse brain: {visium.Embedding.Cells:N0} spots x {visium.Embedding.Genes} genes, " +
                       $"{visium.Epochs} epochs, {visium.Embedding.LeidenClusters} Leiden clusters. Each run folder holds latent.tsv, clusters.tsv and cells.h5ad " +
                       "(obsm X_scVI and X_umap, obs leiden and kmeans) for scanpy.")
            .Figure(Path.Combine(folder, "pbmc", "figures", "umap_leiden.png"), "PBMC (10x, MatrixMarket): UMAP of the scVI latent, coloured by Leiden cluster.")
            .Figure(Path.Combine(folder, "visium", "figures", "umap_leiden.png"), "Visium mouse brain (10x HDF5): UMAP of the scVI latent, coloured by Leiden cluster.")
            .Paragraph($"Simulated counts (Splatter-like negative binomial, {options.Cells} cells x {options.Genes} genes, {options.CellTypes} cell types, " +
                       $"{options.Batches} batches with gene-wise batch effects): scVI conditioned on the batch against the standard baseline " +
                       "(library-size normalisation, log1p, PCA 50, the same kNN graph, Leiden and k-means). Batch mixing is the entropy of batches among " +
                       "each cell's 50 nearest neighbours divided by log(batches): 1 is perfect mixing, 0 none.")
            .Table(["embedding", "ARI (Leiden)", "NMI (Leiden)", "ARI (k-means)", "NMI (k-means)", "batch mixing"],
                new[] { ("scVI", eval.Scvi), ("PCA baseline", eval.BaselinePca) }.Select(r => (IReadOnlyList<string>)
                    [r.Item1, F(r.Item2.AriLeiden), F(r.Item2.NmiLeiden), F(r.Item2.AriKmeans), F(r.Item2.NmiKmeans), F(r.Item2.BatchEntropy)]))
            .Figure(Path.Combine(folder, "simulated", "eval", "figures", "umap_scvi_batch.png"), "Simulated: scVI latent, coloured by batch (mixed).")
            .Figure(Path.Combine(folder, "simulated", "eval", "figures", "umap_pca_batch.png"), "Simulated: PCA baseline, coloured by batch (separated by the batch effect).")
            .Figure(Path.Combine(folder, "simulated", "eval", "figures", "umap_scvi_labels.png"), "Simulated: scVI latent, coloured by the true cell type.");
        return result;
    }
}
