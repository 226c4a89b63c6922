namespace LabelFree.Data.Imaging;

/// <summary>Otsu's threshold (IEEE SMC 1979): the value that maximises the between-class variance of a histogram.</summary>
public static class Otsu
{
    /// <summary>
    /// The threshold over <paramref name="values"/> with <paramref name="bins"/> equal bins between the minimum and
    /// maximum, returned as a bin centre (scikit-image's threshold_otsu); foreground is <c>value &gt; threshold</c>.
    /// </summary>
    public static double Threshold(ReadOnlySpan<float> values, int bins = 256)
    {
        if (values.IsEmpty) throw new ArgumentException("Otsu's threshold needs at least one value");
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        foreach (var v in values) { min = Math.Min(min, v); max = Math.Max(max, v); }
        if (min == max) return min;
        var counts = new double[bins];
        var width = ((double)max - min) / bins;
        foreach (var v in values) counts[Math.Min(bins - 1, (int)((v - min) / width))]++;
        var centres = Enumerable.Range(0, bins).Select(i => min + (i + 0.5) * width).ToArray();

        // Class weights and means for a split after bin i: lower class 0..i, upper class i+1..bins-1.
        var weightLow = new double[bins];
        var sumLow = new double[bins];
        double w = 0, s = 0;
        for (var i = 0; i < bins; i++)
        {
            w += counts[i];
            s += counts[i] * centres[i];
            weightLow[i] = w;
            sumLow[i] = s;
        }
        double total = w, totalSum = s, best = -1;
        var bestIndex = 0;
        for (var i = 0; i < bins - 1; i++)
        {
            var w1 = weightLow[i];
            var w2 = total - w1;
            if (w1 == 0 || w2 == 0) continue;
            var m1 = sumLow[i] / w1;
            var m2 = (totalSum - sumLow[i]) / w2;
            var between = w1 * w2 * (m1 - m2) * (m1 - m2);
            if (between > best)
            {
                best = between;
                bestIndex = i;
            }
        }
        return centres[bestIndex];
    }
}
