using System.CommandLine;
using System.Globalization;
using LabelFree.Workflows.Dna;

namespace LabelFree.Cli.Commands.Dna;

/// <summary><c>labelfree dna pretrain|embed|probe|finetune|predict|variant-effect|motifs</c>: DNABERT and the Nucleotide Transformer.</summary>
public static class DnaCommand
{
    public static Command Create() => new("dna", "DNA language models (DNABERT, Nucleotide Transformer): pre-training, embeddings, probes, fine-tuning, variant effects, motifs")
    {
        DnaPretrainCommand.Create(),
        DnaEmbedCommand.Create(),
        DnaProbeCommand.Create(),
        DnaFinetuneCommand.Create(),
        DnaPredictCommand.Create(),
        DnaVariantEffectCommand.Create(),
        DnaMotifsCommand.Create(),
        DnaControlsCommand.Create(),
    };

    /// <summary>"name accuracy X (AUROC Y)" for each method of a classification, for the one-line summaries.</summary>
    public static string Accuracies(DnaClassificationMetrics metrics) => string.Join(", ", metrics.Scores.Select(s =>
        string.Create(CultureInfo.InvariantCulture, $"{s.Key} accuracy {s.Value.Accuracy:F3}{(double.IsFinite(s.Value.Auroc) ? $" (AUROC {s.Value.Auroc:F3})" : "")}")));
}
