using LabelFree.Analysis.Metrics;

namespace LabelFree.Analysis.Tests.Metrics;

public class ClassificationMetricsTests
{
    [Fact]
    public void Scores_match_a_hand_computation()
    {
        // Truth 1 1 1 0 0; predicted p(1) 0.9 0.6 0.4 0.3 0.7 -> classes 1 1 0 0 1.
        double[] p1 = [0.9, 0.6, 0.4, 0.3, 0.7];
        var probabilities = new double[5, 2];
        for (var i = 0; i < 5; i++) (probabilities[i, 0], probabilities[i, 1]) = (1 - p1[i], p1[i]);
        var scores = ClassificationMetrics.Score(probabilities, [1, 1, 1, 0, 0]);
        Assert.Equal(0.6, scores.Accuracy, 12);
        // Class 1: tp 2, fp 1, fn 1 -> F1 2/3; class 0: tp 1, fp 1, fn 1 -> F1 1/2.
        Assert.Equal((2.0 / 3 + 0.5) / 2, scores.MacroF1, 12);
        // MCC = (tp tn - fp fn) / sqrt((tp+fp)(tp+fn)(tn+fp)(tn+fn)) = (2 - 1) / sqrt(3 * 3 * 2 * 2) = 1/6.
        Assert.Equal(1.0 / 6, scores.Mcc, 12);
        // AUROC: positive-negative pairs ranked right: 0.9 above 0.3 and 0.7, 0.6 above 0.3, 0.4 above 0.3 -> 4 of 6.
        Assert.Equal(4.0 / 6, scores.Auroc, 12);
        Assert.Equal(-(Math.Log(0.9) + Math.Log(0.6) + Math.Log(0.4) + Math.Log(0.7) + Math.Log(0.3)) / 5, scores.LogLoss, 12);
    }
}
