using LabelFree.Analysis.Classification;
using LabelFree.Analysis.Embedding;
using LabelFree.Core.IO;
using LabelFree.Core.Progress;
using LabelFree.Learning.Methods.DnaLanguageModel;
using LabelFree.Reports.Figures;
using LabelFree.Workflows.Runs;

namespace LabelFree.Workflows.Dna;

/// <summary>A trained DNA model and labelled sequences to probe it on.</summary>
public sealed record DnaProbeSettings(string Model, DnaEvaluationData Data);

/// <summary>
/// Linear probes on frozen embeddings ([CLS] and the mean over tokens) of a DNA model, beside the k-mer spectrum
/// baseline, on the same splits (<see cref="DnaBaselines"/>): metrics.json, predictions.tsv and a PCA of the mean
/// embeddings coloured by label.
/// </summary>
public static class DnaProbing
{
    public const string ProbeCls = "probe_cls";
    public const string ProbeMean = "probe_mean";
    public const string Kmer = "kmer_baseline";

    public static DnaClassificationMetrics Run(DnaProbeSettings settings, RunSettings run, IProgressReporter progress)
    {
        var tables = DnaEvaluationTables.Read(settings.Data, run.Seed);
        var device = run.StartTorch();
        using var model = DnaModels.Load(settings.Model, device);
        Directory.CreateDirectory(Path.Combine(run.Out, "figures"));
        progress.Info($"embedding {tables.All.Count} sequences");
        var embeddings = model.Embed(tables.All);
        var classes = tables.Classes.Count;
        var predictions = new Dictionary<string, double[,]>
        {
            [ProbeCls] = new double[tables.All.Count, classes],
            [ProbeMean] = new double[tables.All.Count, classes],
            [Kmer] = new double[tables.All.Count, classes],
        };
        var choices = new Dictionary<string, string>();
        foreach (var split in tables.Splits)
        {
            progress.Info($"split {split.Fold + 1} of {tables.Splits.Count}: probes and k-mer baseline on {split.Train.Length} sequences");
            var y = split.Train.Select(i => tables.Codes[i]).ToArray();
            foreach (var (name, values) in new[] { (ProbeCls, embeddings.Cls), (ProbeMean, embeddings.Mean) })
            {
                var probe = DnaBaselines.Probe(LogisticRegression.Rows(values, split.Train), y, LogisticRegression.Rows(values, split.Test), classes, run.Seed);
                DnaEvaluationTables.Place(predictions[name], split, probe.Probabilities);
                choices[$"{name} (split {split.Fold + 1})"] = probe.Choice;
            }
            var kmer = DnaBaselines.KmerSpectrum(split.Train.Select(i => tables.All[i]).ToArray(), y, split.Test.Select(i => tables.All[i]).ToArray(), classes, run.Seed);
            DnaEvaluationTables.Place(predictions[Kmer], split, kmer.Probabilities);
            choices[$"{Kmer} (split {split.Fold + 1})"] = kmer.Choice;
        }
        var metrics = tables.Score(predictions, choices);
        Json.Write(Path.Combine(run.Out, "metrics.json"), metrics);
        tables.WritePredictions(Path.Combine(run.Out, "predictions.tsv"), predictions);
        var labels = tables.Codes.Select(c => tables.Classes[c]).ToArray();
        ScatterChart.SavePng(Path.Combine(run.Out, "figures", "embedding_pca.png"), "mean embeddings (PCA), by label", Pca.Scores(embeddings.Mean, 2), labels, "PC 1", "PC 2");
        return metrics;
    }
}
