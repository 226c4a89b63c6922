namespace LabelFree.Analysis.Metrics;

/// <summary>Overlap and ranking metrics of a predicted map against a binary reference (voxel-wise).</summary>
public static class SegmentationMetrics
{
    /// <summary>Dice = 2|A∩B| / (|A| + |B|); 1 when both are empty (nothing to find, nothing found).</summary>
    public static double Dice(ReadOnlySpan<bool> predicted, ReadOnlySpan<bool> reference)
    {
        if (predicted.Length != reference.Length) throw new ArgumentException($"masks differ in size ({predicted.Length} and {reference.Length})");
        long both = 0, a = 0, b = 0;
        for (var i = 0; i < predicted.Length; i++)
        {
            if (predicted[i]) a++;
            if (reference[i]) b++;
            if (predicted[i] && reference[i]) both++;
        }
        return a + b == 0 ? 1 : 2.0 * both / (a + b);
    }

    /// <summary>
    /// Area under the ROC curve of <paramref name="scores"/> for the positives of <paramref name="labels"/>, with ties
    /// counted half (the Mann-Whitney statistic, as scikit-learn's roc_auc_score). NaN when either class is empty.
    /// </summary>
    public static double Auroc(ReadOnlySpan<float> scores, ReadOnlySpan<bool> labels)
    {
        var order = SortedDescending(scores, labels);
        long positives = 0, negatives = 0;
        foreach (var i in order) { if (labels[i]) positives++; else negatives++; }
        if (positives == 0 || negatives == 0) return double.NaN;
        // Walk thresholds from high to low; for each tie group add the trapezoid between ROC points.
        double area = 0, tp = 0, fp = 0;
        var k = 0;
        while (k < order.Length)
        {
            var value = scores[order[k]];
            double groupTp = 0, groupFp = 0;
            while (k < order.Length && scores[order[k]] == value)
            {
                if (labels[order[k]]) groupTp++; else groupFp++;
                k++;
            }
            area += groupFp * (tp + groupTp / 2);
            tp += groupTp;
            fp += groupFp;
        }
        return area / ((double)positives * negatives);
    }

    /// <summary>
    /// Average precision: Σ (R_n − R_{n−1}) P_n over distinct score thresholds, high to low (scikit-learn's
    /// average_precision_score). NaN when there are no positives.
    /// </summary>
    public static double AveragePrecision(ReadOnlySpan<float> scores, ReadOnlySpan<bool> labels)
    {
        var order = SortedDescending(scores, labels);
        long positives = 0;
        foreach (var i in order) if (labels[i]) positives++;
        if (positives == 0) return double.NaN;
        double ap = 0, tp = 0, seen = 0, previousRecall = 0;
        var k = 0;
        while (k < order.Length)
        {
            var value = scores[order[k]];
            while (k < order.Length && scores[order[k]] == value)
            {
                if (labels[order[k]]) tp++;
                seen++;
                k++;
            }
            var recall = tp / positives;
            ap += (recall - previousRecall) * (tp / seen);
            previousRecall = recall;
        }
        return ap;
    }

    private static int[] SortedDescending(ReadOnlySpan<float> scores, ReadOnlySpan<bool> labels)
    {
        if (scores.Length != labels.Length) throw new ArgumentException($"scores and labels differ in size ({scores.Length} and {labels.Length})");
        var order = new int[scores.Length];
        for (var i = 0; i < order.Length; i++) order[i] = i;
        var keys = scores.ToArray();
        for (var i = 0; i < keys.Length; i++) keys[i] = -keys[i];
        Array.Sort(keys, order);
        return order;
    }
}
