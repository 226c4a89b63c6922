using LabelFree.Analysis.Gwas;

namespace LabelFree.Analysis.Survival;

/// <summary>The chi-square distribution's upper tail, P(X ≥ x) = Q(df/2, x/2), the regularised upper incomplete gamma function.</summary>
public static class ChiSquare
{
    public static double UpperTail(double x, int df) => Math.Exp(LnUpperTail(x, df));

    /// <summary>ln P(X ≥ x), finite far below double's smallest p (for printing p-values under 1e-308).</summary>
    public static double LnUpperTail(double x, int df)
    {
        if (double.IsNaN(x) || df < 1) return double.NaN;
        if (x <= 0) return 0;
        if (double.IsPositiveInfinity(x)) return double.NegativeInfinity;
        var (a, z) = (df / 2.0, x / 2.0);
        var lnFront = -z + a * Math.Log(z) - StudentT.LnGamma(a);
        if (z < a + 1)
        {
            // Series for P(a, z), then Q = 1 - P.
            double sum = 1 / a, term = 1 / a;
            for (var n = 1; n < 10_000 && term > sum * 1e-16; n++)
            {
                term *= z / (a + n);
                sum += term;
            }
            return Math.Log(Math.Max(0, 1 - Math.Exp(lnFront) * sum));
        }
        // Lentz's continued fraction for Q(a, z).
        const double tiny = 1e-300;
        double b = z + 1 - a, c = 1 / tiny, d = 1 / b, h = d;
        for (var i = 1; i < 10_000; i++)
        {
            var an = -i * (i - a);
            b += 2;
            d = an * d + b;
            if (Math.Abs(d) < tiny) d = tiny;
            c = b + an / c;
            if (Math.Abs(c) < tiny) c = tiny;
            d = 1 / d;
            var delta = d * c;
            h *= delta;
            if (Math.Abs(delta - 1) < 1e-16) break;
        }
        return lnFront + Math.Log(h);
    }
}
