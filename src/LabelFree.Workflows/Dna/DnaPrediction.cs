using System.Globalization;
using System.Text;
using LabelFree.Analysis.Metrics;
using LabelFree.Core.Errors;
using LabelFree.Core.IO;
using LabelFree.Core.Progress;
using LabelFree.Learning.Methods.DnaLanguageModel;
using LabelFree.Workflows.Runs;

namespace LabelFree.Workflows.Dna;

/// <summary>A fine-tuned DNA classifier and the sequences to classify (FASTA or a table; a table's labels, if present, are scored).</summary>
public sealed record DnaPredictSettings(string Model, string Input, DnaTableColumns? Columns = null);

/// <summary>What a prediction reports: how many sequences, the classes, and the scores when the input had labels.</summary>
public sealed record DnaPredictSummary(int Sequences, IReadOnlyList<string> Classes, ClassificationScores? Scores);

/// <summary>Class probabilities of each sequence under a fine-tuned classifier: predictions.tsv (id, predicted, one probability column per class), metrics.json when labelled.</summary>
public static class DnaPrediction
{
    public static DnaPredictSummary Run(DnaPredictSettings settings, RunSettings run, IProgressReporter progress)
    {
        var input = DnaInput.Read(settings.Input, settings.Columns ?? new DnaTableColumns(), needLabels: false);
        var device = run.StartTorch();
        using var loaded = DnaModels.Load(settings.Model, device);
        if (loaded is not DnaClassifier model)
            throw new UserInputException($"{settings.Model}: a pre-trained language model predicts no classes; fine-tune it first (dna finetune)");
        var classes = model.Config.Classes.ToArray();
        int[]? truth = null;
        if (input.Labels is not null) truth = input.ClassCodes(classes);
        Directory.CreateDirectory(run.Out);
        progress.Info($"classifying {input.Records.Count} sequences");
        var probabilities = model.Predict(input.Bases);

        var text = new StringBuilder("id\tpredicted").Append(string.Concat(classes.Select(c => $"\tp_{c}"))).Append('\n');
        for (var i = 0; i < input.Records.Count; i++)
        {
            var best = Enumerable.Range(0, classes.Length).MaxBy(c => probabilities[i, c]);
            text.Append(input.Records[i].Id).Append('\t').Append(classes[best]);
            for (var c = 0; c < classes.Length; c++) text.Append(CultureInfo.InvariantCulture, $"\t{probabilities[i, c]:G6}");
            text.Append('\n');
        }
        AtomicFile.WriteAllText(Path.Combine(run.Out, "predictions.tsv"), text.ToString());
        ClassificationScores? scores = null;
        if (truth is not null)
        {
            scores = ClassificationMetrics.Score(probabilities, truth);
            Json.Write(Path.Combine(run.Out, "metrics.json"), scores);
        }
        var summary = new DnaPredictSummary(input.Records.Count, classes, scores);
        Json.Write(Path.Combine(run.Out, "summary.json"), summary);
        return summary;
    }
}
