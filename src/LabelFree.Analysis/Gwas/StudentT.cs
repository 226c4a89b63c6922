namespace LabelFree.Analysis.Gwas;

/// <summary>
/// Two-sided p-values of Student's t as natural logarithms, so that p below 1e-308 still prints (plink2 does the same).
/// p = I_x(df/2, 1/2) with x = df / (df + t^2), the regularised incomplete beta function: by its continued fraction
/// for large |t|, by the hypergeometric series of the symmetric form otherwise.
/// </summary>
public static class StudentT
{
    /// <summary>ln P(|T| &gt;= |t|) for T ~ t(df).</summary>
    public static double LnTwoSidedP(double t, double df)
    {
        if (double.IsNaN(t) || df <= 0) return double.NaN;
        var t2 = t * t;
        if (t2 == 0) return 0;
        if (double.IsPositiveInfinity(t2)) return double.NegativeInfinity;
        var a = df / 2;
        const double b = 0.5;
        var lnX = -Log1P(t2 / df);                   // ln x, accurate when x is close to 1 (large df)
        var ln1mX = Math.Log(t2 / (df + t2));        // ln(1 - x), computed without cancellation
        var x = df / (df + t2);
        var lnBeta = LnBeta(a);
        if (x < (a + 1) / (a + b + 2))
            return a * lnX + b * ln1mX - lnBeta - Math.Log(a) + Math.Log(ContinuedFraction(a, b, x));
        // Symmetry: I_x(a, b) = 1 - I_{1-x}(b, a); here (a + b)(1 - x) <= 1.5, where the hypergeometric series
        // converges in a few terms and is cheaper than the continued fraction.
        var q = Math.Exp(b * ln1mX + a * lnX - lnBeta - Math.Log(b)) * HypergeometricSeries(a + b, b + 1, t2 / (df + t2));
        return q < 1 ? Math.Log(1 - q) : double.NaN;
    }

    // 2F1(c, 1; d; y) = sum over n of (c)_n / (d)_n y^n, for I_y(b, a) = y^b (1-y)^a / (b B) 2F1(a + b, 1; b + 1; y).
    private static double HypergeometricSeries(double c, double d, double y)
    {
        double sum = 1, term = 1;
        for (var n = 0; n < 10_000; n++)
        {
            term *= (c + n) / (d + n) * y;
            sum += term;
            if (term < 1e-17 * sum) break;
        }
        return sum;
    }

    // ln(1 + u) without losing u's digits when u is tiny (Goldberg's trick).
    private static double Log1P(double u)
    {
        var w = 1 + u;
        return w == 1 ? u : Math.Log(w) * u / (w - 1);
    }

    // ln B(df/2, 1/2), cached per thread: df is the same for almost every test of a scan.
    [ThreadStatic] private static double _cachedA;
    [ThreadStatic] private static double _cachedLnBeta;

    private static double LnBeta(double a)
    {
        if (a != _cachedA)
        {
            // For large a, ln Gamma(a) - ln Gamma(a + 1/2) cancels badly; its asymptotic series does not
            // (error below 1e-13 from a = 50 on).
            _cachedLnBeta = a < 50
                ? LnGamma(a) + LnGamma(0.5) - LnGamma(a + 0.5)
                : 0.5 * Math.Log(Math.PI) - (0.5 * Math.Log(a) - 1 / (8 * a) + 1 / (192 * a * a * a) - 1 / (640 * Math.Pow(a, 5)));
            _cachedA = a;
        }
        return _cachedLnBeta;
    }

    /// <summary>-log10 of the two-sided p-value.</summary>
    public static double NegLog10P(double t, double df) => -LnTwoSidedP(t, df) / Math.Log(10);

    // Lentz's method for the continued fraction of I_x(a, b).
    private static double ContinuedFraction(double a, double b, double x)
    {
        const double tiny = 1e-300;
        const double eps = 1e-16;
        var qab = a + b;
        var qap = a + 1;
        var qam = a - 1;
        var c = 1.0;
        var d = 1 - qab * x / qap;
        if (Math.Abs(d) < tiny) d = tiny;
        d = 1 / d;
        var h = d;
        for (var m = 1; m <= 100_000; m++)
        {
            var m2 = 2 * m;
            var aa = m * (b - m) * x / ((qam + m2) * (a + m2));
            d = 1 + aa * d;
            if (Math.Abs(d) < tiny) d = tiny;
            c = 1 + aa / c;
            if (Math.Abs(c) < tiny) c = tiny;
            d = 1 / d;
            h *= d * c;
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
            d = 1 + aa * d;
            if (Math.Abs(d) < tiny) d = tiny;
            c = 1 + aa / c;
            if (Math.Abs(c) < tiny) c = tiny;
            d = 1 / d;
            var delta = d * c;
            h *= delta;
            if (Math.Abs(delta - 1) < eps) break;
        }
        return h;
    }

    /// <summary>ln Gamma(x) for x &gt; 0 (Lanczos, g = 7, n = 9; about 15 significant digits).</summary>
    public static double LnGamma(double x)
    {
        if (x < 0.5) return Math.Log(Math.PI / Math.Sin(Math.PI * x)) - LnGamma(1 - x);
        x -= 1;
        var sum = Lanczos[0];
        for (var i = 1; i < Lanczos.Length; i++) sum += Lanczos[i] / (x + i);
        var t = x + 7.5;
        return 0.5 * Math.Log(2 * Math.PI) + (x + 0.5) * Math.Log(t) - t + Math.Log(sum);
    }

    private static readonly double[] Lanczos =
    [
        0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
        12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
    ];
}
