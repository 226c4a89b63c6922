using System.Globalization;
using System.Text;
using LabelFree.Core.IO;
using LabelFree.Core.Progress;
using LabelFree.Data.SingleCell;
using LabelFree.Learning.Methods.Scvi;
using LabelFree.Workflows.Runs;

namespace LabelFree.Workflows.Cells;

/// <summary>Counts to embed with a trained scVI model (the batch column defaults to the model's), and whether to write normalised expression.</summary>
public sealed record ScviEmbedSettings(string Model, string Input, string? BatchKey = null, string? Layer = null, bool Normalized = false);

/// <summary>A trained scVI model applied to a count matrix: latent, clusters, UMAP, h5ad, optionally normalised expression (normalized.tsv).</summary>
public static class ScviEmbedding
{
    private const int NormalizeBlock = 1024;

    public static CellEmbeddingSummary Run(ScviEmbedSettings settings, RunSettings run, IProgressReporter progress)
    {
        var device = run.StartTorch();
        using var model = Scvi.Load(settings.Model, device);
        var data = CellOutputs.Load(settings.Input, settings.Layer, progress, settings.BatchKey);
        var codes = CellOutputs.BatchCodes(model, data, settings.BatchKey, settings.Input);
        if (data.Genes != model.Config.Genes)
            throw new Core.Errors.UserInputException($"{settings.Input}: {data.Genes} genes, but the model was trained on {model.Config.Genes}");
        var summary = CellOutputs.Write(run.Out, model, data, codes, run.Seed, progress, Path.GetFileName(settings.Input.TrimEnd('/')));
        if (settings.Normalized) WriteNormalized(Path.Combine(run.Out, "normalized.tsv"), model, data, codes);
        Json.Write(Path.Combine(run.Out, "summary.json"), summary);
        return summary;
    }

    private static void WriteNormalized(string path, Scvi model, CellData data, int[] codes)
    {
        using var pending = AtomicFile.Open(path);
        using (var writer = new StreamWriter(pending.Stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true))
        {
            writer.Write("cell\t" + string.Join('\t', data.GeneNames) + "\n");
            for (var first = 0; first < data.Cells; first += NormalizeBlock)
            {
                var cells = Enumerable.Range(first, Math.Min(NormalizeBlock, data.Cells - first)).ToArray();
                var values = model.Normalize(data.Counts, codes, cells);
                for (var i = 0; i < cells.Length; i++)
                {
                    writer.Write(data.CellNames[cells[i]]);
                    for (var g = 0; g < data.Genes; g++) writer.Write(string.Create(CultureInfo.InvariantCulture, $"\t{values[i, g]:G5}"));
                    writer.Write('\n');
                }
            }
        }
        pending.Commit();
    }
}
