using System.Globalization;
using System.Text;
using LabelFree.Analysis.Sequences;
using LabelFree.Core.Errors;
using LabelFree.Core.IO;
using LabelFree.Core.Progress;
using LabelFree.Learning.Methods.DnaLanguageModel;
using LabelFree.Reports.Figures;
using LabelFree.Workflows.Runs;

namespace LabelFree.Workflows.Dna;

/// <summary>
/// A DNA model (DNABERT's analysis uses a fine-tuned one), a labelled table, the label of the positive sequences
/// (null: "1" when the labels are 0 and 1) and DNABERT-viz's search settings; the rest of the table is the background.
/// </summary>
public sealed record DnaMotifSettings(string Model, string Input, string? Positive = null, DnaTableColumns? Columns = null, MotifSearchOptions? Search = null,
    int Logos = 10);

/// <summary>One reported motif, as motifs.tsv lists it.</summary>
public sealed record MotifRow(string Motif, int Instances, int PositivesWithKey, int NegativesWithKey, double PValue, double QValue, string Pfm, string? Logo);

/// <summary>What a motif run reports.</summary>
public sealed record DnaMotifSummary(int Positives, int Negatives, IReadOnlyList<MotifRow> Motifs);

/// <summary>
/// DNABERT's attention motif analysis (<see cref="AttentionMotifs"/>): the model's last-layer [CLS] attention spread
/// over bases for every positive sequence (attention.tsv), high-attention regions tested for enrichment against the
/// negatives (hypergeometric, Benjamini-Hochberg), merged, cut into windows and written as position frequency matrices
/// (motifs/*.pfm in JASPAR format, motifs/*.fa the windows), motifs.tsv, and sequence logos (figures/logo_*.png).
/// </summary>
public static class DnaMotifs
{
    public static DnaMotifSummary Run(DnaMotifSettings settings, RunSettings run, IProgressReporter progress)
    {
        var search = settings.Search ?? new MotifSearchOptions();
        if (search.MinLength < 1) throw new SettingException("min_length", $"expected a positive number, got {search.MinLength}");
        if (search.WindowSize < search.MinLength) throw new SettingException("window_size", $"expected at least the minimum length {search.MinLength}, got {search.WindowSize}");
        if (search.QValueCutoff is <= 0 or > 1) throw new SettingException("q_value_cutoff", $"expected a number in (0, 1], got {search.QValueCutoff}");
        if (search.MinInstances < 1) throw new SettingException("min_instances", $"expected a positive number, got {search.MinInstances}");
        if (!(search.OverMinimum >= 0) || !double.IsFinite(search.OverMinimum)) throw new SettingException("over_minimum", $"expected zero or more, got {search.OverMinimum}");
        var input = DnaInput.Read(settings.Input, settings.Columns ?? new DnaTableColumns(), needLabels: true);
        var labels = input.Labels!;
        var distinct = labels.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var positive = settings.Positive ?? (distinct.SequenceEqual(["0", "1"]) ? "1"
            : throw new SettingException("positive", $"name the positive label (the table's labels: {string.Join(", ", distinct)})"));
        if (!distinct.Contains(positive)) throw new SettingException("positive", $"'{positive}' is not a label of {settings.Input} ({string.Join(", ", distinct)})");
        if (distinct.Length < 2) throw new UserInputException($"{settings.Input}: every row is '{positive}'; the motif test needs background sequences");
        var device = run.StartTorch();
        using var model = DnaModels.Load(settings.Model, device);
        Directory.CreateDirectory(Path.Combine(run.Out, "motifs"));
        Directory.CreateDirectory(Path.Combine(run.Out, "figures"));

        var rows = Enumerable.Range(0, labels.Count).ToArray();
        var positives = rows.Where(i => labels[i] == positive).ToArray();
        var negatives = rows.Where(i => labels[i] != positive).ToArray();
        progress.Info($"attention of {positives.Length} positive sequences; background: {negatives.Length} sequences");
        var attention = model.BaseAttention(positives.Select(i => input.Bases[i]).ToArray());
        WriteAttention(Path.Combine(run.Out, "attention.tsv"), positives.Select(i => input.Records[i].Id).ToArray(), attention);

        var motifs = AttentionMotifs.Find(positives.Select(i => input.Records[i].Text).ToArray(), attention, negatives.Select(i => input.Records[i].Text).ToArray(), search);
        var reported = new List<MotifRow>();
        for (var m = 0; m < motifs.Count; m++)
        {
            var motif = motifs[m];
            var name = $"motif_{m + 1}_{motif.Key}";
            var pfm = Path.Combine("motifs", name + ".pfm");
            AtomicFile.WriteAllText(Path.Combine(run.Out, pfm), $">{name}\n" + motif.ToJasparPfm());
            AtomicFile.WriteAllText(Path.Combine(run.Out, "motifs", name + ".fa"), AttentionMotifs.WindowsFasta(motif));
            string? logo = null;
            if (m < settings.Logos)
            {
                logo = Path.Combine("figures", $"logo_{m + 1}_{motif.Key}.png");
                SequenceLogo.SavePng(Path.Combine(run.Out, logo), motif.Counts,
                    string.Create(CultureInfo.InvariantCulture, $"{motif.Key}: {motif.Windows.Count} instances, q = {motif.QValue:G2}"));
            }
            reported.Add(new MotifRow(motif.Key, motif.Windows.Count, motif.PositivesWithKey, motif.NegativesWithKey, motif.PValue, motif.QValue, pfm, logo));
        }
        var table = new StringBuilder("motif\tinstances\tpositives_with_key\tnegatives_with_key\tp_value\tq_value\tpfm\tlogo\n");
        foreach (var r in reported)
            table.Append(CultureInfo.InvariantCulture, $"{r.Motif}\t{r.Instances}\t{r.PositivesWithKey}\t{r.NegativesWithKey}\t{r.PValue:G6}\t{r.QValue:G6}\t{r.Pfm}\t{r.Logo}\n");
        AtomicFile.WriteAllText(Path.Combine(run.Out, "motifs.tsv"), table.ToString());
        var summary = new DnaMotifSummary(positives.Length, negatives.Length, reported);
        Json.Write(Path.Combine(run.Out, "summary.json"), summary);
        return summary;
    }

    private static void WriteAttention(string path, IReadOnlyList<string> ids, float[][] attention)
    {
        var text = new StringBuilder("id\tscores\n");
        for (var i = 0; i < ids.Count; i++)
            text.Append(ids[i]).Append('\t').AppendJoin(',', attention[i].Select(a => a.ToString("G5", CultureInfo.InvariantCulture))).Append('\n');
        AtomicFile.WriteAllText(path, text.ToString());
    }
}
