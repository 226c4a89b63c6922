using LabelFree.Analysis.Signals;

namespace LabelFree.Analysis.Tests.Signals;

public class SignalBaselineTests
{
    private static float[] Sine(int n, double period, double phase = 0) => Enumerable.Range(0, n).Select(t => (float)Math.Sin(2 * Math.PI * t / period + phase)).ToArray();

    [Fact]
    public void The_moving_median_residual_is_the_distance_to_the_local_median()
    {
        float[] x = [0, 0, 0, 5, 0, 2, 1];
        // Width 3: median of (x[t-1], x[t], x[t+1]); at the end only (x[5], x[6]), whose upper middle is 2.
        Assert.Equal([0f, 0f, 0f, 5f, 2f, 1f, 1f], MovingMedianResidual.Score([x], 3));
        // Channels are averaged.
        Assert.Equal([0f, 0f, 0f, 2.5f, 1f, 0.5f, 0.5f], MovingMedianResidual.Score([x, new float[7]], 3));
    }

    [Fact]
    public void The_nearest_window_distance_is_zero_on_training_windows_and_large_on_a_changed_stretch()
    {
        var training = Sine(2000, 40);
        var discord = new NearestWindowDistance([training], window: 40, trainingStride: 1, scoringStride: 1);
        var test = Sine(800, 40, phase: 1.0);
        for (var t = 400; t < 440; t++) test[t] += 1.5f;

        var scores = discord.Score([test]);

        // The training windows start every sample, 2 pi / 40 radians apart: a phase-shifted window is at most half a step from one of them.
        Assert.True(scores[100] < 0.06, $"a shifted sine is near a training window: {scores[100]}");
        Assert.True(scores[420] > 0.5, $"a level shift is far from every training window: {scores[420]}");
        Assert.Equal(800, scores.Length);
    }
}
