namespace LabelFree.Analysis.Metrics;

/// <summary>Full-reference image quality between a reconstruction and its original, for images scaled to [0, dataRange].</summary>
public static class ImageMetrics
{
    public static double MeanSquaredError(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        CheckSameLength(a, b);
        double sum = 0;
        for (var i = 0; i < a.Length; i++)
        {
            var d = (double)a[i] - b[i];
            sum += d * d;
        }
        return sum / a.Length;
    }

    /// <summary>Peak signal-to-noise ratio in dB; +infinity for identical images.</summary>
    public static double Psnr(ReadOnlySpan<float> a, ReadOnlySpan<float> b, double dataRange = 1)
    {
        var mse = MeanSquaredError(a, b);
        return mse == 0 ? double.PositiveInfinity : 10 * Math.Log10(dataRange * dataRange / mse);
    }

    /// <summary>
    /// Mean structural similarity (Wang et al., IEEE TIP 2004) over 7x7 uniform windows with sample covariances,
    /// K1 = 0.01, K2 = 0.03: the defaults of scikit-image's <c>structural_similarity</c>, averaged over the windows that
    /// fit inside the image.
    /// </summary>
    public static double Ssim(ReadOnlySpan<float> a, ReadOnlySpan<float> b, int height, int width, double dataRange = 1, int window = 7)
    {
        CheckSameLength(a, b);
        if (a.Length != height * width) throw new ArgumentException($"images have {a.Length} pixels, expected {height}x{width}");
        if (height < window || width < window) throw new ArgumentException($"images of {height}x{width} are smaller than the {window}x{window} window");
        double c1 = Math.Pow(0.01 * dataRange, 2), c2 = Math.Pow(0.03 * dataRange, 2);
        double n = window * window, unbiased = n / (n - 1);
        double total = 0;
        var count = 0;
        for (var top = 0; top + window <= height; top++)
        {
            for (var left = 0; left + window <= width; left++)
            {
                double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
                for (var r = top; r < top + window; r++)
                {
                    for (var c = left; c < left + window; c++)
                    {
                        double x = a[r * width + c], y = b[r * width + c];
                        sa += x;
                        sb += y;
                        saa += x * x;
                        sbb += y * y;
                        sab += x * y;
                    }
                }
                double ma = sa / n, mb = sb / n;
                var va = (saa / n - ma * ma) * unbiased;
                var vb = (sbb / n - mb * mb) * unbiased;
                var cov = (sab / n - ma * mb) * unbiased;
                total += (2 * ma * mb + c1) * (2 * cov + c2) / ((ma * ma + mb * mb + c1) * (va + vb + c2));
                count++;
            }
        }
        return total / count;
    }

    private static void CheckSameLength(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length || a.Length == 0) throw new ArgumentException($"images differ in size ({a.Length} and {b.Length} pixels) or are empty");
    }
}
