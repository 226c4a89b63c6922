using LabelFree.Analysis.Metrics;

namespace LabelFree.Analysis.Tests.Metrics;

public class DetectionMetricsTests
{
    //                                          0      1      2     3     4      5      6     7     8     9
    private static readonly bool[] Labels = [false, false, true, true, true, false, false, true, true, false];

    [Fact]
    public void Point_wise_F1_counts_samples_and_point_adjustment_fills_each_touched_segment()
    {
        bool[] detected = [true, false, true, false, false, false, false, false, false, false];

        var plain = DetectionMetrics.PointWise(detected, Labels, 0.5);
        Assert.Equal(0.5, plain.Precision, 12);          // 1 of 2 detections is labelled
        Assert.Equal(0.2, plain.Recall, 12);             // 1 of 5 labelled samples
        Assert.Equal(2 * 0.5 * 0.2 / 0.7, plain.F1, 12);

        var adjusted = DetectionMetrics.PointAdjust(detected, Labels);
        Assert.Equal([true, false, true, true, true, false, false, false, false, false], adjusted);
        var pa = DetectionMetrics.PointWise(adjusted, Labels, 0.5);
        Assert.Equal(0.75, pa.Precision, 12);
        Assert.Equal(0.6, pa.Recall, 12);
    }

    [Fact]
    public void Range_based_scores_weigh_every_range_once()
    {
        // Detected ranges: [0, 1) outside, [2, 3) inside (1 of 3 of the first labelled range), [7, 9) covering the second labelled range.
        bool[] detected = [true, false, true, false, false, false, false, true, true, false];
        var range = DetectionMetrics.RangeBased(detected, Labels, 0);
        Assert.Equal((0 + 1 + 1) / 3.0, range.Precision, 12);
        Assert.Equal((1 / 3.0 + 1) / 2, range.Recall, 12);
    }

    [Fact]
    public void Best_F1_tries_every_threshold_and_scores_agree_with_the_ranking()
    {
        float[] scores = [0.1f, 0.2f, 0.9f, 0.8f, 0.3f, 0.4f, 0.1f, 0.7f, 0.95f, 0.0f];
        var best = DetectionMetrics.BestF1(scores, Labels);
        // Above 0.2: samples 8, 2, 3, 7, 5 and 4, five of them labelled: precision 5/6, recall 1 (above 0.4 only 0.889).
        Assert.Equal(10 / 11.0, best.F1, 12);
        Assert.Equal(0.2, best.Threshold, 6);
        Assert.Equal(best.F1, DetectionMetrics.Score(scores, Labels, best.Threshold).AtThreshold.F1, 12);
        // Above 0.5: samples 2, 3, 7, 8 (all labelled), recall 0.8; point adjustment adds sample 4 of the touched first segment.
        var all = DetectionMetrics.Score(scores, Labels, 0.5);
        Assert.Equal(2 * 0.8 / 1.8, all.AtThreshold.F1, 12);
        Assert.Equal(1.0, all.PointAdjusted.F1, 12);
        Assert.InRange(all.Auroc, 0.9, 1.0);
    }

    [Fact]
    public void Nothing_detected_scores_zero_not_NaN()
    {
        var none = DetectionMetrics.Score(new float[10], Labels, 1);
        Assert.Equal(0, none.AtThreshold.F1);
        Assert.Equal(0, none.RangeBased.F1);
        Assert.Equal(0, none.PointAdjusted.F1);
    }
}
