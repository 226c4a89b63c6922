namespace LabelFree.Analysis.Metrics;

/// <summary>How well predicted class probabilities match the true classes.</summary>
/// <param name="Auroc">Area under the ROC curve of the second class's probability (binary tasks only; NaN otherwise).</param>
/// <param name="Mcc">Matthews' correlation coefficient of the predicted classes (Gorodkin's multi-class form).</param>
public sealed record ClassificationScores(int Count, double Accuracy, double MacroF1, double Mcc, double Auroc, double LogLoss);

/// <summary>Accuracy, macro F1, MCC, AUROC and log loss from probabilities (rows, classes); the predicted class is the most probable (ties: the first).</summary>
public static class ClassificationMetrics
{
    public static ClassificationScores Score(double[,] probabilities, IReadOnlyList<int> truth)
    {
        int rows = probabilities.GetLength(0), classes = probabilities.GetLength(1);
        if (rows != truth.Count) throw new ArgumentException($"{rows} predictions but {truth.Count} labels", nameof(truth));
        var predicted = Enumerable.Range(0, rows).Select(i => ArgMax(probabilities, i)).ToArray();
        var confusion = new long[classes, classes];
        for (var i = 0; i < rows; i++) confusion[truth[i], predicted[i]]++;
        var accuracy = rows == 0 ? double.NaN : Enumerable.Range(0, classes).Sum(c => confusion[c, c]) / (double)rows;
        double f1Sum = 0;
        for (var c = 0; c < classes; c++)
        {
            double tp = confusion[c, c], fp = 0, fn = 0;
            for (var o = 0; o < classes; o++)
                if (o != c)
                {
                    fp += confusion[o, c];
                    fn += confusion[c, o];
                }
            f1Sum += tp == 0 ? 0 : 2 * tp / (2 * tp + fp + fn);
        }
        var auroc = double.NaN;
        if (classes == 2)
        {
            var scores = Enumerable.Range(0, rows).Select(i => (float)probabilities[i, 1]).ToArray();
            var positive = truth.Select(t => t == 1).ToArray();
            if (positive.Any(p => p) && positive.Any(p => !p)) auroc = SegmentationMetrics.Auroc(scores, positive);
        }
        return new ClassificationScores(rows, accuracy, f1Sum / classes, Mcc(confusion, classes), auroc, LogLoss(probabilities, truth));
    }

    /// <summary>
    /// Balanced accuracy: the mean over the classes present in <paramref name="truth"/> of the fraction of that class
    /// predicted correctly (recall), as scikit-learn's balanced_accuracy_score. The prediction is the most probable class.
    /// </summary>
    public static double BalancedAccuracy(double[,] probabilities, IReadOnlyList<int> truth)
    {
        var hits = new Dictionary<int, (int Correct, int Total)>();
        for (var i = 0; i < truth.Count; i++)
        {
            var (correct, total) = hits.GetValueOrDefault(truth[i]);
            hits[truth[i]] = (correct + (ArgMax(probabilities, i) == truth[i] ? 1 : 0), total + 1);
        }
        return hits.Count == 0 ? double.NaN : hits.Values.Average(h => (double)h.Correct / h.Total);
    }

    /// <summary>Mean -ln p(true class), each probability clipped to [1e-15, 1] as scikit-learn does.</summary>
    public static double LogLoss(double[,] probabilities, IReadOnlyList<int> truth)
    {
        double sum = 0;
        for (var i = 0; i < truth.Count; i++) sum -= Math.Log(Math.Clamp(probabilities[i, truth[i]], 1e-15, 1));
        return truth.Count == 0 ? double.NaN : sum / truth.Count;
    }

    private static double Mcc(long[,] confusion, int classes)
    {
        double samples = 0, correct = 0, sumPT = 0, sumP2 = 0, sumT2 = 0;
        for (var c = 0; c < classes; c++)
        {
            double predicted = 0, actual = 0;
            for (var o = 0; o < classes; o++)
            {
                predicted += confusion[o, c];
                actual += confusion[c, o];
            }
            correct += confusion[c, c];
            samples += actual;
            sumPT += predicted * actual;
            sumP2 += predicted * predicted;
            sumT2 += actual * actual;
        }
        var denominator = Math.Sqrt((samples * samples - sumP2) * (samples * samples - sumT2));
        return denominator == 0 ? 0 : (correct * samples - sumPT) / denominator;
    }

    private static int ArgMax(double[,] values, int row)
    {
        var best = 0;
        for (var c = 1; c < values.GetLength(1); c++)
            if (values[row, c] > values[row, best]) best = c;
        return best;
    }
}
