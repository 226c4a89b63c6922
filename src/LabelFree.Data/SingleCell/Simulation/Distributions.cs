using LabelFree.Core.Randomness;

namespace LabelFree.Data.SingleCell.Simulation;

/// <summary>Gamma, Poisson and negative-binomial draws from an <see cref="Rng"/>.</summary>
public static class Distributions
{
    /// <summary>Gamma(shape, scale) by Marsaglia and Tsang (ACM TOMS 2000), with the shape &lt; 1 boost.</summary>
    public static double Gamma(Rng rng, double shape, double scale)
    {
        if (shape < 1) return Gamma(rng, shape + 1, scale) * Math.Pow(rng.NextDouble() + 1e-300, 1 / shape);
        var d = shape - 1.0 / 3;
        var c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double x, v;
            do
            {
                x = rng.NextGaussian();
                v = 1 + c * x;
            } while (v <= 0);
            v = v * v * v;
            var u = rng.NextDouble();
            if (u < 1 - 0.0331 * x * x * x * x || Math.Log(u) < 0.5 * x * x + d * (1 - v + Math.Log(v))) return d * v * scale;
        }
    }

    /// <summary>Poisson(lambda): multiplication of uniforms below 30, Hörmann's PTRS transformed rejection above (1993).</summary>
    public static int Poisson(Rng rng, double lambda)
    {
        if (lambda <= 0) return 0;
        if (lambda < 30)
        {
            var limit = Math.Exp(-lambda);
            var k = 0;
            var p = rng.NextDouble();
            while (p > limit)
            {
                k++;
                p *= rng.NextDouble();
            }
            return k;
        }
        var logLambda = Math.Log(lambda);
        var b = 0.931 + 2.53 * Math.Sqrt(lambda);
        var a = -0.059 + 0.02483 * b;
        var invAlpha = 1.1239 + 1.1328 / (b - 3.4);
        var vr = 0.9277 - 3.6224 / (b - 2);
        while (true)
        {
            var u = rng.NextDouble() - 0.5;
            var v = rng.NextDouble();
            var us = 0.5 - Math.Abs(u);
            var k = Math.Floor((2 * a / us + b) * u + lambda + 0.43);
            if (us >= 0.07 && v <= vr) return (int)k;
            if (k < 0 || (us < 0.013 && v > us)) continue;
            if (Math.Log(v) + Math.Log(invAlpha) - Math.Log(a / (us * us) + b) <= -lambda + k * logLambda - LogFactorial(k)) return (int)k;
        }
    }

    /// <summary>Negative binomial with mean <paramref name="mean"/> and inverse dispersion <paramref name="theta"/> (variance mean + mean^2 / theta), as a gamma-Poisson mixture.</summary>
    public static int NegativeBinomial(Rng rng, double mean, double theta) =>
        mean <= 0 ? 0 : Poisson(rng, Gamma(rng, theta, mean / theta));

    private static double LogFactorial(double k)
    {
        if (k < 2) return 0;
        // Stirling series; exact enough for k >= 2 in the rejection test.
        return (k + 0.5) * Math.Log(k) - k + 0.5 * Math.Log(2 * Math.PI) + 1 / (12 * k) - 1 / (360 * k * k * k);
    }
}
