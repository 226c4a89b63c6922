namespace LabelFree.Analysis.Gwas;

/// <summary>
/// Two-sided p-values of a standard normal Z as natural logarithms (plink2's P for logistic and Firth regression):
/// P(|Z| &gt;= |z|) = Q(1/2, z^2/2), the regularised upper incomplete gamma function, by its series below
/// z^2/2 = 1.5 and its continued fraction above, so that p below 1e-308 still prints.
/// </summary>
public static class NormalTail
{
    private static readonly double LnGammaHalf = 0.5 * Math.Log(Math.PI);

    public static double LnTwoSidedP(double z)
    {
        if (double.IsNaN(z)) return double.NaN;
        var x = z * z / 2;
        if (x == 0) return 0;
        if (double.IsPositiveInfinity(x)) return double.NegativeInfinity;
        const double a = 0.5;
        var lnPrefix = a * Math.Log(x) - x - LnGammaHalf;
        if (x < 1.5)
        {
            // P(a, x) = x^a e^-x / Gamma(a + 1) * sum x^n / ((a + 1) ... (a + n)); Q = 1 - P.
            double sum = 1, term = 1;
            for (var n = 1; n < 1000; n++)
            {
                term *= x / (a + n);
                sum += term;
                if (term < 1e-17 * sum) break;
            }
            return Math.Log(1 - Math.Exp(lnPrefix - Math.Log(a)) * sum);
        }
        // Q(a, x) = x^a e^-x / Gamma(a) * 1 / (x + 1 - a - 1(1 - a) / (x + 3 - a - ...)), modified Lentz.
        const double tiny = 1e-300;
        var b = x + 1 - a;
        var c = 1 / tiny;
        var d = 1 / b;
        var h = d;
        for (var i = 1; i < 1000; i++)
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
        return lnPrefix + Math.Log(h);
    }
}
