using System.Globalization;
using System.Text;
using LabelFree.Analysis.Clustering;
using LabelFree.Core.IO;
using LabelFree.Core.Progress;
using LabelFree.Data.SingleCell;
using LabelFree.Learning.Methods.Scvi;
using LabelFree.Reports.Figures;

namespace LabelFree.Workflows.Cells;

/// <summary>What training and embedding write from a latent space.</summary>
public sealed record CellEmbeddingSummary(int Cells, int Genes, int Batches, int LeidenClusters, int KmeansClusters, string H5ad);

/// <summary>Input loading and the outputs shared by the scVI workflows: latent.tsv, clusters.tsv, cells.h5ad, figures/umap*.png.</summary>
public static class CellOutputs
{
    /// <summary>Reads a count matrix in any supported format and checks that it holds raw counts and the obs columns named in <paramref name="columns"/>.</summary>
    public static CellData Load(string input, string? layer, IProgressReporter progress, params string?[] columns)
    {
        var data = CellDataReader.Read(input, layer);
        data.Counts.RequireCounts(input);
        foreach (var column in columns)
            if (column is not null) data.Column(column, input);
        if (data.Cells < 2 || data.Genes < 2) throw new Core.Errors.UserInputException($"{input}: {data.Cells} cells x {data.Genes} genes; scVI needs at least 2 of each");
        if (data.Counts.Values.All(v => v == 0)) throw new Core.Errors.UserInputException($"{input}: every count is zero; there is nothing to learn from");
        progress.Info($"{input}: {data.Cells:N0} cells x {data.Genes:N0} genes, {data.Counts.NonZeros:N0} non-zero counts");
        return data;
    }

    /// <summary>Embeds every cell, clusters the latent (Leiden, k-means), lays it out with UMAP and writes the outputs into <paramref name="folder"/>.</summary>
    public static CellEmbeddingSummary Write(string folder, Scvi model, CellData data, int[] batchCodes, long seed, IProgressReporter progress, string title)
    {
        Directory.CreateDirectory(Path.Combine(folder, "figures"));
        progress.Info("embedding cells");
        var latent = model.Embed(data.Counts, batchCodes);
        progress.Info("clustering the latent space (kNN graph, Leiden, k-means) and UMAP");
        var clusters = LatentClusters.Run(latent, seed);
        var leiden = clusters.Leiden.Select(c => c.ToString(CultureInfo.InvariantCulture)).ToArray();
        var kmeans = clusters.KMeans.Select(c => c.ToString(CultureInfo.InvariantCulture)).ToArray();

        WriteMatrix(Path.Combine(folder, "latent.tsv"), data.CellNames, latent, "z");
        var table = new StringBuilder("cell\tleiden\tkmeans\tumap1\tumap2\n");
        for (var i = 0; i < data.Cells; i++)
            table.Append(CultureInfo.InvariantCulture, $"{data.CellNames[i]}\t{leiden[i]}\t{kmeans[i]}\t{clusters.Umap![i, 0]:G6}\t{clusters.Umap[i, 1]:G6}\n");
        AtomicFile.WriteAllText(Path.Combine(folder, "clusters.tsv"), table.ToString());

        var obs = new Dictionary<string, string[]>(data.Obs) { ["leiden"] = leiden, ["kmeans"] = kmeans };
        var h5ad = Path.Combine(folder, "cells.h5ad");
        H5adWriter.Write(h5ad, data with { Obs = obs }, new Dictionary<string, float[,]> { ["X_scVI"] = latent, ["X_umap"] = clusters.Umap! });
        ScatterChart.SavePng(Path.Combine(folder, "figures", "umap_leiden.png"), $"{title}: UMAP of the scVI latent, Leiden clusters", clusters.Umap!, leiden);
        if (model.Config.Batches > 1)
            ScatterChart.SavePng(Path.Combine(folder, "figures", "umap_batch.png"), $"{title}: UMAP of the scVI latent, by batch", clusters.Umap!,
                batchCodes.Select(b => model.Config.BatchNames[b]).ToArray());
        return new CellEmbeddingSummary(data.Cells, data.Genes, model.Config.Batches, clusters.Leiden.Max() + 1, clusters.KMeans.Max() + 1, h5ad);
    }

    /// <summary>Writes a (rows, columns) matrix as TSV with an id column (<paramref name="idColumn"/>) and columns prefix1..prefixN.</summary>
    public static void WriteMatrix(string path, IReadOnlyList<string> cells, float[,] values, string prefix, string idColumn = "cell")
    {
        var columns = values.GetLength(1);
        using var pending = AtomicFile.Open(path);
        using (var writer = new StreamWriter(pending.Stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true))
        {
            writer.Write(idColumn);
            for (var j = 0; j < columns; j++) writer.Write($"\t{prefix}{j + 1}");
            writer.Write('\n');
            for (var i = 0; i < cells.Count; i++)
            {
                writer.Write(cells[i]);
                for (var j = 0; j < columns; j++) writer.Write(string.Create(CultureInfo.InvariantCulture, $"\t{values[i, j]:G6}"));
                writer.Write('\n');
            }
        }
        pending.Commit();
    }

    /// <summary>Each cell's batch index under the model's batches: from <paramref name="batchKey"/>, else the key the model was trained with.</summary>
    public static int[] BatchCodes(Scvi model, CellData data, string? batchKey, string input)
    {
        var key = batchKey ?? model.Config.BatchKey;
        if (model.Config.Batches > 1 && key is null)
            throw new Core.Errors.SettingException("batch_key", $"{input}: the model was trained on {model.Config.Batches} batches; name the obs column of each cell's batch");
        return model.BatchCodes(key is null || model.Config.Batches == 1 ? null : data.Column(key, input), data.Cells, input);
    }
}
