using System.Globalization;
using System.Text;
using LabelFree.Analysis.Embedding;
using LabelFree.Core.IO;
using LabelFree.Core.Progress;
using LabelFree.Learning.Methods.DnaLanguageModel;
using LabelFree.Reports.Figures;
using LabelFree.Workflows.Runs;

namespace LabelFree.Workflows.Dna;

/// <summary>A DNA model and the sequences to embed (FASTA or a table).</summary>
public sealed record DnaEmbedSettings(string Model, string Input, DnaTableColumns? Columns = null);

/// <summary>What an embedding run wrote.</summary>
public sealed record DnaEmbedSummary(int Sequences, int Dimensions, string ClsFile, string MeanFile);

/// <summary>Embeddings of sequences under a DNA model: embeddings_cls.tsv and embeddings_mean.tsv (id, then one column per dimension), and a PCA figure of the mean embeddings (coloured by label for a labelled table).</summary>
public static class DnaEmbedding
{
    public static DnaEmbedSummary Run(DnaEmbedSettings settings, RunSettings run, IProgressReporter progress)
    {
        var input = DnaInput.Read(settings.Input, settings.Columns ?? new DnaTableColumns(), needLabels: false);
        var device = run.StartTorch();
        using var model = DnaModels.Load(settings.Model, device);
        Directory.CreateDirectory(Path.Combine(run.Out, "figures"));
        progress.Info($"embedding {input.Records.Count} sequences");
        var embeddings = model.Embed(input.Bases);
        var cls = Path.Combine(run.Out, "embeddings_cls.tsv");
        var mean = Path.Combine(run.Out, "embeddings_mean.tsv");
        Write(cls, input.Ids, embeddings.Cls);
        Write(mean, input.Ids, embeddings.Mean);
        if (input.Records.Count >= 3)
        {
            var groups = input.Labels ?? input.Records.Select(_ => "sequence").ToArray();
            ScatterChart.SavePng(Path.Combine(run.Out, "figures", "embedding_pca.png"), "mean embeddings (PCA)", Pca.Scores(embeddings.Mean, 2), groups, "PC 1", "PC 2");
        }
        var summary = new DnaEmbedSummary(input.Records.Count, embeddings.Mean.GetLength(1), cls, mean);
        Json.Write(Path.Combine(run.Out, "summary.json"), summary);
        return summary;
    }

    private static void Write(string path, IReadOnlyList<string> ids, float[,] values)
    {
        var dimensions = values.GetLength(1);
        var text = new StringBuilder("id").Append(string.Concat(Enumerable.Range(0, dimensions).Select(d => $"\tdim{d}"))).Append('\n');
        for (var i = 0; i < ids.Count; i++)
        {
            text.Append(ids[i]);
            for (var d = 0; d < dimensions; d++) text.Append(CultureInfo.InvariantCulture, $"\t{values[i, d]:G7}");
            text.Append('\n');
        }
        AtomicFile.WriteAllText(path, text.ToString());
    }
}
