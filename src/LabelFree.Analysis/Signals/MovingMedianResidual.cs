namespace LabelFree.Analysis.Signals;

/// <summary>
/// The one-line baseline of Wu and Keogh (2021) for anomalies in time series: how far each sample is from the median
/// of the samples around it, |x_t - median(x_{t-h} ... x_{t+h})| (the window shrinks at the ends), averaged over
/// standardised channels. Nothing is learned; only the width is chosen.
/// </summary>
public static class MovingMedianResidual
{
    /// <param name="channels">Standardised channels, [channel][sample].</param>
    /// <param name="width">Samples in the median's window (odd; an even width is made odd by adding one).</param>
    public static float[] Score(float[][] channels, int width)
    {
        if (width < 1) throw new ArgumentOutOfRangeException(nameof(width), $"expected a positive width, got {width}");
        var half = width / 2;
        var n = channels[0].Length;
        var scores = new float[n];
        var window = new float[2 * half + 1];
        foreach (var x in channels)
        {
            for (var t = 0; t < n; t++)
            {
                var (from, to) = (Math.Max(0, t - half), Math.Min(n, t + half + 1));
                var span = window.AsSpan(0, to - from);
                x.AsSpan(from, to - from).CopyTo(span);
                scores[t] += Math.Abs(x[t] - Median(span)) / channels.Length;
            }
        }
        return scores;
    }

    /// <summary>The median (the upper middle for an even count) by partial selection; reorders <paramref name="values"/>.</summary>
    private static float Median(Span<float> values)
    {
        var k = values.Length / 2;
        int left = 0, right = values.Length - 1;
        while (left < right)
        {
            var pivot = values[(left + right) / 2];
            int i = left, j = right;
            while (i <= j)
            {
                while (values[i] < pivot) i++;
                while (values[j] > pivot) j--;
                if (i <= j) (values[i], values[j]) = (values[j--], values[i++]);
            }
            if (k <= j) right = j;
            else if (k >= i) left = i;
            else break;
        }
        return values[k];
    }
}
