namespace LabelFree.Analysis.Gwas;

/// <summary>
/// The genomic inflation factor lambda_GC = median(chi²₁) / 0.4549364, with chi² = z² for the two-sided p-values.
/// The median of chi² is the chi² of the median p (the map is monotone), so one quantile is needed.
/// </summary>
public static class GenomicInflation
{
    /// <summary>Median of the chi-squared distribution with one degree of freedom.</summary>
    public const double ChiSquareMedian = 0.4549364;

    public static double Lambda(IEnumerable<double> pValues)
    {
        var p = pValues.Where(v => v is > 0 and <= 1).Order().ToArray();
        if (p.Length == 0) return double.NaN;
        var median = p.Length % 2 == 1 ? p[p.Length / 2] : 0.5 * (p[p.Length / 2 - 1] + p[p.Length / 2]);
        var z = NormalQuantile(median / 2);
        return z * z / ChiSquareMedian;
    }

    /// <summary>Standard normal quantile (Acklam's rational approximation, relative error below 1.2e-9).</summary>
    public static double NormalQuantile(double p)
    {
        if (p <= 0) return double.NegativeInfinity;
        if (p >= 1) return double.PositiveInfinity;
        double[] a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00];
        double[] b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01];
        double[] c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00];
        double[] d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00];
        double x;
        if (p < 0.02425)
        {
            var q = Math.Sqrt(-2 * Math.Log(p));
            x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }
        else if (p > 1 - 0.02425)
        {
            var q = Math.Sqrt(-2 * Math.Log(1 - p));
            x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }
        else
        {
            var q = p - 0.5;
            var r = q * q;
            x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
        }
        return x;
    }
}
