namespace LabelFree.Analysis.Metrics;

/// <summary>One bin of a reliability curve: the mean predicted probability and the observed fraction of positives among its cases.</summary>
public sealed record ReliabilityBin(double MeanPredicted, double ObservedFraction, int Count);

/// <summary>How well predicted probabilities match outcomes: Brier score and the reliability curve.</summary>
public static class ProbabilityMetrics
{
    /// <summary>The Brier score: the mean of (p - y)².</summary>
    public static double Brier(ReadOnlySpan<float> probabilities, ReadOnlySpan<bool> labels)
    {
        if (probabilities.Length != labels.Length) throw new ArgumentException($"probabilities and labels differ in size ({probabilities.Length} and {labels.Length})");
        if (probabilities.Length == 0) return double.NaN;
        var sum = 0.0;
        for (var i = 0; i < labels.Length; i++)
        {
            var e = probabilities[i] - (labels[i] ? 1.0 : 0.0);
            sum += e * e;
        }
        return sum / labels.Length;
    }

    /// <summary>
    /// The reliability curve over <paramref name="bins"/> groups of equal size by predicted probability (quantile
    /// bins, so a rare outcome's low probabilities are not all in one bin): each bin's mean prediction and observed rate.
    /// </summary>
    public static IReadOnlyList<ReliabilityBin> Reliability(ReadOnlySpan<float> probabilities, ReadOnlySpan<bool> labels, int bins = 10)
    {
        if (probabilities.Length != labels.Length) throw new ArgumentException("probabilities and labels differ in size");
        var order = Enumerable.Range(0, probabilities.Length).ToArray();
        var keys = probabilities.ToArray();
        Array.Sort(keys, order);
        var result = new List<ReliabilityBin>();
        bins = Math.Max(1, Math.Min(bins, order.Length));
        for (var b = 0; b < bins; b++)
        {
            var (from, to) = (b * order.Length / bins, (b + 1) * order.Length / bins);
            if (to <= from) continue;
            double predicted = 0, observed = 0;
            for (var k = from; k < to; k++)
            {
                predicted += keys[k];
                if (labels[order[k]]) observed++;
            }
            result.Add(new ReliabilityBin(predicted / (to - from), observed / (to - from), to - from));
        }
        return result;
    }
}
