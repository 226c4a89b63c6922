using System.Globalization;
using System.Text;
using LabelFree.Analysis.Metrics;
using LabelFree.Core.IO;
using LabelFree.Data.Signals;
using LabelFree.Reports.Figures;
using LabelFree.Workflows.Runs;

namespace LabelFree.Workflows.Signals;

/// <summary>A trained signals run, a signal with known anomalies and its labels file (intervals or one 0/1 per sample).</summary>
public sealed record SignalEvalSettings(string Model, string Input, string Labels);

/// <summary>One detector's scores against the labels; recall by kind is the mean detected fraction of each kind's stretches at the threshold.</summary>
public sealed record DetectorEvaluation(string Detector, double Threshold, DetectionScores Scores, IReadOnlyDictionary<string, double> RecallByKind);

/// <summary>
/// The method beside both baselines on one labelled signal, with the detector that wins each metric (ties name all).
/// Metrics: auroc, auprc, best_f1 (over every threshold: looks at the labels, an upper bound), f1 and range_f1 at the
/// threshold set on normal training data, and point_adjusted_f1 at that threshold, only to compare with papers.
/// </summary>
public sealed record SignalEvalReport(string Input, string Labels, int Samples, int AnomalousSamples, int Anomalies, double AnomalyRatio,
    IReadOnlyList<DetectorEvaluation> Detectors, IReadOnlyDictionary<string, string> Best)
{
    /// <summary>The report as an aligned text table, one row per detector and the winner of each metric below.</summary>
    public string Table()
    {
        var text = new StringBuilder($"{"detector",-20} {"AUROC",7} {"AUPRC",7} {"bestF1",7} {"F1",7} {"rangeF1",7} {"PA-F1*",7}  threshold\n");
        foreach (var d in Detectors)
        {
            var s = d.Scores;
            text.Append(CultureInfo.InvariantCulture,
                $"{d.Detector,-20} {s.Auroc,7:F3} {s.Auprc,7:F3} {s.BestF1.F1,7:F3} {s.AtThreshold.F1,7:F3} {s.RangeBased.F1,7:F3} {s.PointAdjusted.F1,7:F3}  {d.Threshold:G4}\n");
        }
        text.Append("best: ").AppendJoin(", ", Best.Select(b => $"{b.Key} {b.Value}")).Append('\n');
        text.Append("* point-adjusted F1 counts a whole labelled stretch as found when one sample is; shown only to compare with papers");
        return text.ToString();
    }
}

/// <summary>
/// Scores a labelled signal with a trained method and both baselines and compares them (<c>signals eval</c>, the
/// demo): DIR/metrics.json (<see cref="SignalEvalReport"/>), DIR/metrics.tsv (one row per detector) and
/// DIR/figures/scores.png. Each detector's threshold is the one set at training on held-out normal samples; the labels
/// are read only to score.
/// </summary>
public static class SignalEvaluation
{
    public static readonly string[] Metrics = ["auroc", "auprc", "best_f1", "f1", "range_f1", "point_adjusted_f1"];

    public static SignalEvalReport Run(SignalEvalSettings settings, RunSettings run, string command = "signals eval")
    {
        var device = run.StartTorch();
        using var detectors = SignalDetectors.Load(settings.Model, device);
        var signal = detectors.Read(settings.Input);
        var labels = SignalLabels.Read(settings.Labels, signal.Length);
        if (!labels.PerSample.Contains(true)) throw new Core.Errors.UserInputException($"{settings.Labels}: no anomalous sample; nothing to evaluate");
        var scores = detectors.Score(signal);
        var evaluations = scores.Select(d => new DetectorEvaluation(d.Detector, d.Threshold, DetectionMetrics.Score(d.Scores, labels.PerSample, d.Threshold),
            RecallByKind(DetectionMetrics.Detect(d.Scores, d.Threshold), labels.Intervals))).ToList();
        var report = new SignalEvalReport(settings.Input, settings.Labels, signal.Length, labels.PerSample.Count(l => l), labels.Intervals.Count,
            detectors.File.AnomalyRatio, evaluations, Winners(evaluations));

        RunFolder.Start(run.Out, command, run.Seed, run.DeviceName, settings);
        Json.Write(Path.Combine(run.Out, "metrics.json"), report);
        var tsv = new StringBuilder("detector\tthreshold\tauroc\tauprc\tbest_f1\tf1\tprecision\trecall\trange_f1\trange_precision\trange_recall\tpoint_adjusted_f1\n");
        foreach (var d in evaluations)
        {
            var s = d.Scores;
            tsv.Append(CultureInfo.InvariantCulture, $"{d.Detector}\t{d.Threshold:G6}\t{s.Auroc:F4}\t{s.Auprc:F4}\t{s.BestF1.F1:F4}\t{s.AtThreshold.F1:F4}\t" +
                $"{s.AtThreshold.Precision:F4}\t{s.AtThreshold.Recall:F4}\t{s.RangeBased.F1:F4}\t{s.RangeBased.Precision:F4}\t{s.RangeBased.Recall:F4}\t{s.PointAdjusted.F1:F4}\n");
        }
        AtomicFile.WriteAllText(Path.Combine(run.Out, "metrics.tsv"), tsv.ToString());
        Figure(Path.Combine(run.Out, "figures", "scores.png"), $"Scores on {Path.GetFileName(settings.Input)}: labelled anomalies shaded, thresholds dashed",
            signal, scores, labels.Intervals, "labelled anomaly");
        return report;
    }

    /// <summary>The metric's value for one detector, by the names of <see cref="Metrics"/>.</summary>
    public static double Value(DetectionScores s, string metric) => metric switch
    {
        "auroc" => s.Auroc,
        "auprc" => s.Auprc,
        "best_f1" => s.BestF1.F1,
        "f1" => s.AtThreshold.F1,
        "range_f1" => s.RangeBased.F1,
        "point_adjusted_f1" => s.PointAdjusted.F1,
        _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, "unknown metric"),
    };

    /// <summary>The signal's channels (at most four) above each detector's scores with its threshold, and <paramref name="shaded"/> stretches.</summary>
    public static void Figure(string path, string title, Signal signal, IReadOnlyList<DetectorScores> scores, IEnumerable<SignalInterval> shaded, string shadedLabel)
    {
        var tracks = signal.Channels.Take(4).Select((c, k) => new SignalTrack(c, signal.Values[k]))
            .Concat(scores.Select(s => new SignalTrack($"{s.Detector} score", s.Scores, s.Threshold))).ToList();
        SignalChart.SavePng(path, title, signal.Time ?? signal.Seconds(), signal.SamplingRate is null && signal.Time is null ? "sample" : "seconds", tracks,
            shaded.Select(i => (i.Start, i.End)).ToList(), shadedLabel);
    }

    /// <summary>For each metric, the detector with the highest value (detectors within 0.0005 of it joined by " = ").</summary>
    public static Dictionary<string, string> Winners(IReadOnlyList<DetectorEvaluation> evaluations) => Metrics.ToDictionary(m => m, m =>
    {
        var best = evaluations.Max(e => Value(e.Scores, m));
        return string.Join(" = ", evaluations.Where(e => Math.Abs(Value(e.Scores, m) - best) < 5e-4).Select(e => e.Detector));
    });

    /// <summary>For each kind of labelled stretch, the mean fraction of its samples detected (stretches without a kind count as "all").</summary>
    private static Dictionary<string, double> RecallByKind(bool[] detected, IReadOnlyList<SignalInterval> intervals) =>
        intervals.GroupBy(i => i.Kind ?? "all").OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Average(i => (double)detected.AsSpan(i.Start, i.Length).Count(true) / i.Length));
}
