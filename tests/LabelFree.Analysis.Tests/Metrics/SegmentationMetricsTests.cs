using LabelFree.Analysis.Metrics;

namespace LabelFree.Analysis.Tests.Metrics;

public class SegmentationMetricsTests
{
    [Fact]
    public void Dice_counts_overlap_twice_over_the_sizes()
    {
        bool[] a = [true, true, false, false];
        bool[] b = [true, false, true, false];
        Assert.Equal(0.5, SegmentationMetrics.Dice(a, b));
        Assert.Equal(1.0, SegmentationMetrics.Dice(new bool[3], new bool[3]));
    }

    [Fact]
    public void Auroc_matches_the_mann_whitney_statistic_with_ties_counted_half()
    {
        // Positive-negative pairs: 0.35 beats 0.1 (1); 0.8 beats all three (3); 0.4 beats 0.1 and ties two 0.4s (2).
        float[] scores = [0.1f, 0.4f, 0.35f, 0.8f, 0.4f, 0.4f];
        bool[] labels = [false, false, true, true, false, true];
        Assert.Equal(6.0 / 9, SegmentationMetrics.Auroc(scores, labels), 12);
        Assert.Equal(1.0, SegmentationMetrics.Auroc([0.9f, 0.1f], [true, false]));
        Assert.True(double.IsNaN(SegmentationMetrics.Auroc([0.9f, 0.1f], [true, true])));
    }

    [Fact]
    public void Average_precision_steps_over_distinct_thresholds()
    {
        // Thresholds 0.8, 0.4, 0.35: (recall, precision) = (1/2, 1), (1/2, 1/2), (1, 2/3): AP = 1/2 + 1/2 * 2/3.
        Assert.Equal(5.0 / 6, SegmentationMetrics.AveragePrecision([0.1f, 0.4f, 0.35f, 0.8f], [false, false, true, true]), 12);
        // Ties form one threshold: precision 2/4 at recall 1.
        Assert.Equal(0.5, SegmentationMetrics.AveragePrecision([0.5f, 0.5f, 0.5f, 0.5f], [true, false, true, false]), 12);
    }
}
