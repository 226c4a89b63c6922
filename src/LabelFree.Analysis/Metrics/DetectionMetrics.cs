namespace LabelFree.Analysis.Metrics;

/// <summary>Precision, recall and F1 of the detections made at one threshold (score above it).</summary>
public sealed record F1Score(double Threshold, double Precision, double Recall, double F1);

/// <summary>
/// Every score of a time-series anomaly detector against per-sample labels. Threshold-free: AUROC, AUPRC (average
/// precision) and the best F1 over all thresholds (an upper bound that looks at the labels, never a way to choose
/// one). At the threshold chosen without labels: point-wise F1, range-based F1 (Tatbul et al., NeurIPS 2018), and
/// F1 after point adjustment, which the Anomaly Transformer's papers report and which is shown only to compare with them.
/// </summary>
public sealed record DetectionScores(double Auroc, double Auprc, F1Score BestF1, F1Score AtThreshold, F1Score RangeBased, F1Score PointAdjusted);

/// <summary>
/// Point-wise and range-aware metrics for anomaly scores over time. A sample is detected when its score is above the
/// threshold (the reference's <c>pred = energy &gt; thresh</c>).
/// </summary>
public static class DetectionMetrics
{
    public static DetectionScores Score(ReadOnlySpan<float> scores, ReadOnlySpan<bool> labels, double threshold)
    {
        var detected = Detect(scores, threshold);
        return new DetectionScores(SegmentationMetrics.Auroc(scores, labels), SegmentationMetrics.AveragePrecision(scores, labels),
            BestF1(scores, labels), PointWise(detected, labels, threshold), RangeBased(detected, labels, threshold),
            PointWise(PointAdjust(detected, labels), labels, threshold));
    }

    public static bool[] Detect(ReadOnlySpan<float> scores, double threshold)
    {
        var detected = new bool[scores.Length];
        for (var i = 0; i < scores.Length; i++) detected[i] = scores[i] > threshold;
        return detected;
    }

    /// <summary>Point-wise precision, recall and F1 (0 when there is nothing to divide by, as scikit-learn's zero_division=0).</summary>
    public static F1Score PointWise(ReadOnlySpan<bool> detected, ReadOnlySpan<bool> labels, double threshold)
    {
        Same(detected.Length, labels.Length);
        double tp = 0, fp = 0, fn = 0;
        for (var i = 0; i < labels.Length; i++)
        {
            if (detected[i] && labels[i]) tp++;
            else if (detected[i]) fp++;
            else if (labels[i]) fn++;
        }
        return Make(threshold, tp + fp == 0 ? 0 : tp / (tp + fp), tp + fn == 0 ? 0 : tp / (tp + fn));
    }

    /// <summary>The highest point-wise F1 over every threshold (each distinct score), and that threshold.</summary>
    public static F1Score BestF1(ReadOnlySpan<float> scores, ReadOnlySpan<bool> labels)
    {
        Same(scores.Length, labels.Length);
        var order = new int[scores.Length];
        var keys = new float[scores.Length];
        double positives = 0;
        for (var i = 0; i < order.Length; i++)
        {
            (order[i], keys[i]) = (i, -scores[i]);
            if (labels[i]) positives++;
        }
        Array.Sort(keys, order);
        var best = Make(double.PositiveInfinity, 0, 0);
        double tp = 0, seen = 0;
        for (var k = 0; k < order.Length;)
        {
            var value = scores[order[k]];
            while (k < order.Length && scores[order[k]] == value)
            {
                if (labels[order[k]]) tp++;
                seen++;
                k++;
            }
            if (positives == 0) break;
            var f1 = 2 * tp / (seen + positives);
            // The threshold just below this score detects it; report the next lower score (or -inf) as "above which".
            var below = k < order.Length ? scores[order[k]] : double.NegativeInfinity;
            if (f1 > best.F1) best = Make(below, tp / seen, tp / positives);
        }
        return best;
    }

    /// <summary>
    /// The reference's "detection adjustment" (thuml/Anomaly-Transformer solver.py): when any sample of a labelled
    /// segment is detected, every sample of that segment counts as detected. Inflates F1; see Kim et al., AAAI 2022.
    /// </summary>
    public static bool[] PointAdjust(ReadOnlySpan<bool> detected, ReadOnlySpan<bool> labels)
    {
        Same(detected.Length, labels.Length);
        var adjusted = detected.ToArray();
        for (var i = 0; i < labels.Length; i++)
        {
            if (!labels[i]) continue;
            var start = i;
            var hit = false;
            while (i < labels.Length && labels[i]) hit |= detected[i++];
            if (hit) Array.Fill(adjusted, true, start, i - start);
        }
        return adjusted;
    }

    /// <summary>
    /// Range-based precision and recall (Tatbul et al., "Precision and Recall for Time Series", NeurIPS 2018) with flat
    /// positional bias, cardinality factor 1 and no existence reward (α = 0): recall is the mean over labelled ranges of
    /// the fraction of each that is detected; precision the mean over detected ranges of the fraction of each that is
    /// labelled. Every range counts once, however long, so one long anomaly cannot carry the score.
    /// </summary>
    public static F1Score RangeBased(ReadOnlySpan<bool> detected, ReadOnlySpan<bool> labels, double threshold)
    {
        Same(detected.Length, labels.Length);
        static double MeanCoverage(ReadOnlySpan<bool> ranges, ReadOnlySpan<bool> other)
        {
            double sum = 0;
            var count = 0;
            for (var i = 0; i < ranges.Length; i++)
            {
                if (!ranges[i]) continue;
                var (start, inside) = (i, 0);
                while (i < ranges.Length && ranges[i]) if (other[i++]) inside++;
                sum += (double)inside / (i - start);
                count++;
            }
            return count == 0 ? 0 : sum / count;
        }
        return Make(threshold, MeanCoverage(detected, labels), MeanCoverage(labels, detected));
    }

    private static F1Score Make(double threshold, double precision, double recall) =>
        new(threshold, precision, recall, precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall));

    private static void Same(int a, int b)
    {
        if (a != b) throw new ArgumentException($"scores and labels differ in length ({a} and {b})");
    }
}
