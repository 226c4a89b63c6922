namespace LabelFree.Analysis.Gwas;

/// <summary>How one logistic or Firth fit ended.</summary>
public enum FitOutcome { Converged, Unfinished, Failed }

/// <summary>
/// One case/control regression as plink2 --glm fits it (2.00a3.5, double precision): maximum likelihood by
/// Newton-Raphson from the least-squares start on 4.8639 (y - 1/2), stopping when the log-likelihood changes by less
/// than 1e-8 (0.05 + |loglik|), at most 25 iterations; or Firth's penalised likelihood (Heinze and Schemper 2002) from
/// zero with plink2's criteria (step, score and penalised log-likelihood change all below 1e-5, steps capped at 5,
/// at most 27 passes). The covariance is the inverse Hessian of the last Newton step for logistic regression, and the
/// inverse of the unpenalised information X'VX at the estimate for Firth, as plink2 reports them (checked on the fixtures).
/// </summary>
public static class GlmLogistic
{
    private const int MaxIterations = 25;

    /// <param name="x">n x k design, row-major (intercept first, the tested predictor last).</param>
    /// <param name="coef">k coefficients out.</param>
    /// <param name="covariance">k x k inverse Hessian out.</param>
    public static FitOutcome Fit(ReadOnlySpan<double> x, int n, int k, ReadOnlySpan<double> y, Span<double> coef, Span<double> covariance)
    {
        var p = new double[n];
        var work = new double[n];
        var h = new double[k * k];
        var g = new double[k];
        // Start: least squares of 4.8639 (y - 1/2) on x.
        for (var i = 0; i < n; i++) work[i] = 4.863891244002886 * (y[i] - 0.5);
        WeightedGram(x, n, k, null, h);
        for (var j = 0; j < k; j++) g[j] = 0;
        for (var i = 0; i < n; i++)
            for (var j = 0; j < k; j++) g[j] += x[i * k + j] * work[i];
        if (!SmallCholesky.Factor(h, k, 0)) return FitOutcome.Failed;
        SmallCholesky.Solve(h, k, g);
        g.CopyTo(coef);
        var loglikOld = Predict(x, n, k, coef, y, p);
        if (double.IsNaN(loglikOld)) return FitOutcome.Failed;
        for (var iteration = 1; iteration < MaxIterations; iteration++)
        {
            for (var i = 0; i < n; i++) work[i] = p[i] * (1 - p[i]);
            WeightedGram(x, n, k, work, h);
            Array.Clear(g);
            for (var i = 0; i < n; i++)
            {
                var r = p[i] - y[i];
                for (var j = 0; j < k; j++) g[j] += x[i * k + j] * r;
            }
            if (!SmallCholesky.Factor(h, k, 0)) return FitOutcome.Failed;
            SmallCholesky.Solve(h, k, g);
            for (var j = 0; j < k; j++) coef[j] -= g[j];
            var loglik = Predict(x, n, k, coef, y, p);
            if (double.IsNaN(loglik)) return FitOutcome.Failed;
            if (Math.Abs(loglik - loglikOld) < 1e-8 * (0.05 + Math.Abs(loglik)))
            {
                Invert(h, k, covariance);
                return FitOutcome.Converged;
            }
            loglikOld = loglik;
        }
        Invert(h, k, covariance);
        return FitOutcome.Unfinished;
    }

    /// <summary>Firth-penalised logistic regression (plink2's fallback on separation or failed convergence).</summary>
    public static FitOutcome FitFirth(ReadOnlySpan<double> x, int n, int k, ReadOnlySpan<double> y, Span<double> beta, Span<double> covariance)
    {
        const double conv = 1e-5;
        const double maxStep = 5;
        beta.Clear();
        var p = new double[n];
        var v = new double[n];
        var w = new double[n];
        var h0 = new double[k * k];
        var h0Inv = new double[k * k];
        var h = new double[k * k];
        var ustar = new double[k];
        var delta = new double[k];
        var hasCovariance = false;
        double deltaMax = 0, loglikOld = 0;
        for (var pass = 0; ; pass++)
        {
            var loglik = Predict(x, n, k, beta, y, p);
            if (double.IsNaN(loglik) || p.Any(pi => pi <= 0 || pi >= 1)) return FitOutcome.Failed;
            for (var i = 0; i < n; i++) v[i] = p[i] * (1 - p[i]);
            WeightedGram(x, n, k, v, h0);
            if (!SmallCholesky.Factor(h0, k, 0)) return FitOutcome.Failed;
            for (var j = 0; j < k; j++) loglik += Math.Log(h0[j * k + j]);   // + 1/2 ln det(X'VX)
            Invert(h0, k, h0Inv);
            // Leverages h_i = v_i x_i' (X'VX)^-1 x_i; score with Firth's correction.
            var rowTimes = new double[k];
            for (var i = 0; i < n; i++)
            {
                double q = 0;
                for (var a = 0; a < k; a++)
                {
                    double s = 0;
                    for (var b = 0; b < k; b++) s += h0Inv[a * k + b] * x[i * k + b];
                    q += x[i * k + a] * s;
                }
                var hi = v[i] * q;
                w[i] = (y[i] - p[i]) + hi * (0.5 - p[i]);
                v[i] *= 1 + hi;   // the second weights, (1 + h_i) v_i
            }
            Array.Clear(ustar);
            for (var i = 0; i < n; i++)
                for (var j = 0; j < k; j++) ustar[j] += x[i * k + j] * w[i];
            if (pass > 0)
            {
                var ustarMax = ustar.Max(Math.Abs);
                if (deltaMax <= conv && ustarMax < conv && loglik - loglikOld < conv)
                {
                    h0Inv.CopyTo(covariance);
                    return FitOutcome.Converged;
                }
                if (pass > MaxIterations)
                {
                    h0Inv.CopyTo(covariance);
                    return hasCovariance ? FitOutcome.Unfinished : FitOutcome.Failed;
                }
            }
            loglikOld = loglik;
            WeightedGram(x, n, k, v, h);
            if (!SmallCholesky.Factor(h, k, 0)) return FitOutcome.Failed;
            Invert(h, k, covariance);
            hasCovariance = true;
            for (var a = 0; a < k; a++)
            {
                double s = 0;
                for (var b = 0; b < k; b++) s += covariance[a * k + b] * ustar[b];
                delta[a] = s;
            }
            deltaMax = delta.Max(Math.Abs);
            if (deltaMax > maxStep)
            {
                for (var j = 0; j < k; j++) delta[j] *= maxStep / deltaMax;
                deltaMax = maxStep;
            }
            for (var j = 0; j < k; j++) beta[j] += delta[j];
        }
    }

    // p = sigmoid(x coef); returns the log-likelihood.
    private static double Predict(ReadOnlySpan<double> x, int n, int k, ReadOnlySpan<double> coef, ReadOnlySpan<double> y, double[] p)
    {
        double loglik = 0;
        for (var i = 0; i < n; i++)
        {
            double eta = 0;
            for (var j = 0; j < k; j++) eta += x[i * k + j] * coef[j];
            p[i] = 1 / (1 + Math.Exp(-eta));
            loglik += y[i] > 0 ? Math.Log(p[i]) : Math.Log(1 - p[i]);
        }
        return loglik;
    }

    // Lower triangle of X' diag(w) X (w null: weights 1), mirrored.
    private static void WeightedGram(ReadOnlySpan<double> x, int n, int k, double[]? w, double[] h)
    {
        Array.Clear(h);
        for (var i = 0; i < n; i++)
        {
            var wi = w?[i] ?? 1;
            for (var a = 0; a < k; a++)
            {
                var xa = x[i * k + a] * wi;
                for (var b = 0; b <= a; b++) h[a * k + b] += xa * x[i * k + b];
            }
        }
        for (var a = 0; a < k; a++)
            for (var b = 0; b < a; b++) h[b * k + a] = h[a * k + b];
    }

    // (L L')^-1 into 'inverse', column by column.
    private static void Invert(double[] l, int k, Span<double> inverse)
    {
        var e = new double[k];
        for (var c = 0; c < k; c++)
        {
            Array.Clear(e);
            e[c] = 1;
            SmallCholesky.Solve(l, k, e);
            for (var r = 0; r < k; r++) inverse[r * k + c] = e[r];
        }
    }
}
