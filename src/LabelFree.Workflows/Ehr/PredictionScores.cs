using LabelFree.Analysis.Metrics;

namespace LabelFree.Workflows.Ehr;

/// <summary>
/// One model's held-out scores. For an outcome: AUROC, AUPRC (average precision) and Brier score over test patients,
/// the reliability curve, and sensitivity and specificity at the threshold chosen on the validation patients (Youden's
/// J). For the next visit: BEHRT's metrics, average precision and AUROC over the labels of each patient, averaged over
/// patients (scikit-learn's average='samples'; patients whose next visit holds every label or none are skipped by
/// AUROC). Intervals are 95% percentile bootstraps over test patients.
/// </summary>
public sealed record ModelScores(string Model, Estimate Auroc, Estimate AveragePrecision, Estimate? Brier = null, double? Threshold = null,
    double? Sensitivity = null, double? Specificity = null, IReadOnlyList<ReliabilityBin>? Reliability = null);

/// <summary>A paired bootstrap difference between two models' scores on the same resampled patients.</summary>
public sealed record ScoreDifference(string Metric, string Model, string Minus, Estimate Difference);

/// <summary>Scores of several models' predictions for the same test patients, with paired bootstrap intervals.</summary>
public static class PredictionScores
{
    /// <summary>Outcome scores of each model (name, test probabilities, validation probabilities) and AUROC differences of the first model against the others.</summary>
    public static (List<ModelScores> Scores, List<ScoreDifference> Differences) Outcome(bool[] test, bool[] validation,
        IReadOnlyList<(string Name, float[] Test, float[] Validation)> models, long seed, int resamples)
    {
        double Auroc(float[] p, int[] rows) => SegmentationMetrics.Auroc(rows.Select(i => p[i]).ToArray(), rows.Select(i => test[i]).ToArray());
        double Ap(float[] p, int[] rows) => SegmentationMetrics.AveragePrecision(rows.Select(i => p[i]).ToArray(), rows.Select(i => test[i]).ToArray());
        double Brier(float[] p, int[] rows) => ProbabilityMetrics.Brier(rows.Select(i => p[i]).ToArray(), rows.Select(i => test[i]).ToArray());
        var statistics = new List<Func<int[], double>>();
        foreach (var (_, p, _) in models) statistics.AddRange([rows => Auroc(p, rows), rows => Ap(p, rows), rows => Brier(p, rows)]);
        for (var m = 1; m < models.Count; m++)
        {
            var (first, other) = (models[0].Test, models[m].Test);
            statistics.Add(rows => Auroc(first, rows) - Auroc(other, rows));
        }
        var estimates = Bootstrap.Intervals(test.Length, statistics, seed, resamples);
        var scores = models.Select((m, k) =>
        {
            var threshold = YoudenThreshold(m.Validation, validation);
            var (sensitivity, specificity) = Rates(m.Test, test, threshold);
            return new ModelScores(m.Name, estimates[3 * k], estimates[3 * k + 1], estimates[3 * k + 2], threshold, sensitivity, specificity,
                ProbabilityMetrics.Reliability(m.Test, test));
        }).ToList();
        var differences = Enumerable.Range(1, models.Count - 1)
            .Select(m => new ScoreDifference("auroc", models[0].Name, models[m].Name, estimates[3 * models.Count + m - 1])).ToList();
        return (scores, differences);
    }

    /// <summary>BEHRT's next-visit scores: per-patient average precision and AUROC over labels, averaged over patients.</summary>
    public static (List<ModelScores> Scores, List<ScoreDifference> Differences) NextVisit(float[][] test, IReadOnlyList<(string Name, float[,] Test)> models,
        long seed, int resamples)
    {
        var perPatient = models.Select(m => Enumerable.Range(0, test.Length).Select(i =>
        {
            var p = Enumerable.Range(0, test[i].Length).Select(l => m.Test[i, l]).ToArray();
            var y = test[i].Select(v => v > 0.5f).ToArray();
            return (Ap: SegmentationMetrics.AveragePrecision(p, y), Auroc: SegmentationMetrics.Auroc(p, y));
        }).ToArray()).ToArray();
        static double Mean(IEnumerable<double> values) => values.Where(double.IsFinite).DefaultIfEmpty(double.NaN).Average();
        var statistics = new List<Func<int[], double>>();
        foreach (var patients in perPatient) statistics.AddRange([rows => Mean(rows.Select(i => patients[i].Auroc)), rows => Mean(rows.Select(i => patients[i].Ap))]);
        for (var m = 1; m < models.Count; m++)
        {
            var (first, other) = (perPatient[0], perPatient[m]);
            statistics.Add(rows => Mean(rows.Select(i => first[i].Ap)) - Mean(rows.Select(i => other[i].Ap)));
        }
        var estimates = Bootstrap.Intervals(test.Length, statistics, seed, resamples);
        var scores = models.Select((m, k) => new ModelScores(m.Name, estimates[2 * k], estimates[2 * k + 1])).ToList();
        var differences = Enumerable.Range(1, models.Count - 1)
            .Select(m => new ScoreDifference("average_precision", models[0].Name, models[m].Name, estimates[2 * models.Count + m - 1])).ToList();
        return (scores, differences);
    }

    /// <summary>The threshold maximising sensitivity + specificity - 1 on <paramref name="labels"/> (the validation patients).</summary>
    public static double YoudenThreshold(float[] probabilities, bool[] labels)
    {
        var (best, threshold) = (double.NegativeInfinity, 0.5);
        foreach (var candidate in probabilities.Distinct())
        {
            var (sensitivity, specificity) = Rates(probabilities, labels, candidate);
            if (sensitivity + specificity - 1 > best) (best, threshold) = (sensitivity + specificity - 1, candidate);
        }
        return threshold;
    }

    /// <summary>Sensitivity and specificity of "probability ≥ threshold".</summary>
    public static (double Sensitivity, double Specificity) Rates(float[] probabilities, bool[] labels, double threshold)
    {
        double tp = 0, fn = 0, tn = 0, fp = 0;
        for (var i = 0; i < labels.Length; i++)
        {
            var predicted = probabilities[i] >= threshold;
            if (labels[i]) { if (predicted) tp++; else fn++; }
            else if (predicted) fp++;
            else tn++;
        }
        return (tp + fn == 0 ? double.NaN : tp / (tp + fn), tn + fp == 0 ? double.NaN : tn / (tn + fp));
    }
}
