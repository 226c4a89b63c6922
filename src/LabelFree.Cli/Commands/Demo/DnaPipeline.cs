using System.Globalization;
using LabelFree.Analysis.Sequences;
using LabelFree.Core.IO;
using LabelFree.Core.Progress;
using LabelFree.Learning.Methods.DnaLanguageModel;
using LabelFree.Reports.Html;
using LabelFree.Workflows.Dna;

namespace LabelFree.Cli.Commands.Demo;

/// <summary>What the demo's DNA part found.</summary>
/// <param name="Motifs">Motifs reported (in the quick run every candidate, ranked by q-value).</param>
/// <param name="Significant">Of those, the ones with BH q below 0.05.</param>
public sealed record DnaDemoResult(HeldOutBits HeldOut, DnaClassificationMetrics EcoliProbe, DnaClassificationMetrics EcoliFinetune,
    DnaClassificationMetrics? Promoters, int Motifs, int Significant, MotifRow? Top, string? Logo);

/// <summary>
/// The demo's DNA part: a small Nucleotide Transformer pre-trained by masking on the bundled Drosophila promoter regions
/// (dm3, whole overlap groups held out), its held-out bits per nucleotide beside an order-k Markov chain on the same
/// hidden bases; on the E. coli promoter table (106 sequences, 5-fold cross-validation) linear probes on its frozen
/// embeddings and DNABERT-style fine-tuning beside the k-mer spectrum baseline; in the full run also dm3 core promoters
/// (held-out records) against dinucleotide-shuffled copies; and DNABERT's attention motif analysis with a logo.
/// </summary>
public static class DnaPipeline
{
    public const double SignificanceLevel = 0.05;

    public static DnaDemoResult Run(DemoSettings demo, HtmlReport report, IProgressReporter progress)
    {
        var folder = Path.Combine(demo.Out, "dna");
        var dm3 = DataFolder.File("sequences/dm3_upstream2000.fa.gz");
        var ecoli = DataFolder.File("sequences/ecoli_promoters_kernlab.csv");
        var columns = new DnaTableColumns("seq", "class");

        // Pre-training: the quick run uses the first 4,000 records and a short schedule.
        var steps = demo.Steps ?? (demo.Quick ? 60 : 1500);
        var training = DnaLanguageModel.DefaultTraining(steps, demo.Seed) with { ValidateEverySteps = Math.Max(10, steps / 5) };
        progress.Info($"dna: pre-training a small Nucleotide Transformer on dm3 promoter regions, {steps} steps");
        var pretrain = DnaPretraining.Run(new DnaPretrainSettings(dm3, DnaMethod.Nt, EvaluationWindows: demo.Quick ? 24 : 200, Records: demo.Quick ? 4000 : null),
            training, demo.In(Path.Combine(folder, "pretrain")), demo.Resume, progress, "demo dna");
        var model = Path.Combine(folder, "pretrain", "model");

        progress.Info("dna: E. coli promoters, linear probes and fine-tuning beside the k-mer baseline (5-fold cross-validation)");
        var probe = DnaProbing.Run(new DnaProbeSettings(model, new DnaEvaluationData(ecoli, Folds: 5, Columns: columns)), demo.In(Path.Combine(folder, "ecoli_probe")), progress);
        var finetune = DnaFinetuning.Run(new DnaFinetuneSettings(model, ecoli, Folds: 5, Columns: columns), demo.In(Path.Combine(folder, "ecoli_finetune")), demo.Resume,
            progress, "demo dna finetune");

        DnaClassificationMetrics? promoters = null;
        var motifModel = finetune.ModelFolder;
        var motifInput = ecoli;
        var motifColumns = columns;
        var positive = "promoter";
        if (!demo.Quick)
        {
            progress.Info("dna: dm3 core promoters of held-out records against dinucleotide-shuffled copies");
            var tables = DnaControls.Write(new DnaControlSettings(dm3, Path.Combine(folder, "pretrain", "split.tsv")), Path.Combine(folder, "promoters"), demo.Seed);
            var controls = DnaFinetuning.Run(new DnaFinetuneSettings(model, tables.Train, Test: tables.Test), demo.In(Path.Combine(folder, "promoters", "finetune")), demo.Resume,
                progress, "demo dna finetune");
            promoters = controls.Evaluation;
            (motifModel, motifInput, motifColumns, positive) = (controls.ModelFolder, tables.Test, new DnaTableColumns(), DnaControls.Promoter);
        }

        // DNABERT's motif analysis presumes the peaked attention of a fine-tuned base-size model; the small, briefly
        // trained one here spreads its attention, so a high-attention base needs only twice the sequence's minimum. The
        // quick run lists every candidate by q-value (its model is too briefly trained for significant motifs).
        var search = new MotifSearchOptions(QValueCutoff: demo.Quick ? 1 : SignificanceLevel, OverMinimum: 2);
        var motifs = DnaMotifs.Run(new DnaMotifSettings(motifModel, motifInput, positive, motifColumns, search, Logos: 3), demo.In(Path.Combine(folder, "motifs")), progress);
        var top = motifs.Motifs.FirstOrDefault();
        var logo = top?.Logo is { } relative ? Path.Combine(folder, "motifs", relative) : null;

        var result = new DnaDemoResult(pretrain.HeldOut, probe, finetune.Evaluation!, promoters, motifs.Motifs.Count,
            motifs.Motifs.Count(m => m.QValue < SignificanceLevel), top, logo);
        Json.Write(Path.Combine(folder, "summary.json"), result);
        Report(report, result, pretrain, folder, demo.Quick, search);
        return result;
    }

    private static void Report(HtmlReport report, DnaDemoResult result, DnaPretrainSummary pretrain, string folder, bool quick, MotifSearchOptions search)
    {
        static string F(double v) => double.IsFinite(v) ? v.ToString("F3", CultureInfo.InvariantCulture) : "";
        static IEnumerable<IReadOnlyList<string>> Rows(DnaClassificationMetrics m, params (string Key, string Label)[] methods) =>
            methods.Where(x => m.Scores.ContainsKey(x.Key)).Select(x => (IReadOnlyList<string>)[x.Label, F(m.Scores[x.Key].Accuracy), F(m.Scores[x.Key].Auroc), F(m.Scores[x.Key].Mcc)]);
        var h = result.HeldOut;
        var section = report.Section("DNA language models: a Nucleotide Transformer pre-trained by masking")
            .Paragraph($"A small Nucleotide Transformer (4 pre-norm layers of 128, rotary positions, SwiGLU; non-overlapping 6-mers) was pre-trained by masking 15% " +
                       $"of the tokens of 2,000-base windows of Drosophila promoter regions (dm3 upstream2000{(quick ? ", first 4,000 records" : "")}) for {pretrain.Steps} steps " +
                       $"({pretrain.Seconds:F0} s, {pretrain.TrainingTokensPerSecond:N0} training tokens/s). Whole groups of overlapping regions were held out. " +
                       "Bits per nucleotide are on bases: each held-out 6-mer token is hidden and its 6 bases predicted from the rest of the window; the Markov chain " +
                       $"(order {h.MarkovOrder}, chosen on the training records) codes the same bases left to right, or predicts them from both sides, as the model does.")
            .Table(["held-out hidden bases", "bits per nucleotide"],
            [
                [$"model ({h.HiddenBases:N0} bases in {h.Spans:N0} spans)", F(h.ModelBits)],
                [$"Markov order {h.MarkovOrder}, left to right", F(h.MarkovCausalBits)],
                [$"Markov order {h.MarkovOrder}, given both sides", F(h.MarkovConditionalBits)],
                ["Markov, every base of the held-out records, left to right", F(h.MarkovHeldOutRecordBits)],
            ])
            .Figure(Path.Combine(folder, "pretrain", "figures", "bits_per_nucleotide.png"), "Held-out bits per nucleotide during pre-training, with the Markov baselines.")
            .Paragraph("E. coli promoter recognition (106 sequences of 57 bases; 5-fold stratified cross-validation, every model fitted on the same training folds): " +
                       "L2 logistic regression on the frozen [CLS] or mean embeddings, the model fine-tuned with DNABERT's recipe (AdamW 2e-4, 5 epochs, warm-up), and " +
                       "the k-mer spectrum baseline (words of 1 to K bases, K and the penalty chosen on the training folds).")
            .Table(["E. coli, 5-fold CV", "accuracy", "AUROC", "MCC"], Rows(result.EcoliProbe, ("probe_cls", "probe on [CLS]"), ("probe_mean", "probe on mean embedding"))
                .Concat(Rows(result.EcoliFinetune, (DnaFinetuning.FineTuned, "fine-tuned"), (DnaProbing.Kmer, "k-mer spectrum baseline"))));
        if (result.Promoters is { } p)
            section.Paragraph("dm3 core promoters (the 300 bases before the TSS) of held-out records against dinucleotide-shuffled copies (same mono- and dinucleotide " +
                              "composition), fine-tuned on promoters of training records:")
                .Table(["dm3 promoters vs shuffled", "accuracy", "AUROC", "MCC"], Rows(p, (DnaFinetuning.FineTuned, "fine-tuned"), (DnaProbing.Kmer, "k-mer spectrum baseline")));
        section.Paragraph($"DNABERT's attention motif analysis on the fine-tuned model{(quick ? " (E. coli promoters against the non-promoters)" : " (held-out dm3 promoters against their shuffles)")}: " +
                          $"{result.Significant} motifs with BH q below {SignificanceLevel} among {result.Motifs} reported (high attention: above the mean and " +
                          $"{search.OverMinimum} times the sequence's minimum; enrichment by the hypergeometric test against the background).");
        if (result.Logo is { } logo && result.Top is { } t)
            section.Figure(logo, string.Create(CultureInfo.InvariantCulture,
                $"The best-ranked motif ({t.Motif}: {t.Instances} instances, in {t.PositivesWithKey} positives and {t.NegativesWithKey} background sequences, q = {t.QValue:G2}" +
                $"{(t.QValue < SignificanceLevel ? "" : ", not significant")}) as a sequence logo."));
    }
}
