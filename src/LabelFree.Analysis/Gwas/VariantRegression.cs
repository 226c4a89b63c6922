using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace LabelFree.Analysis.Gwas;

/// <summary>
/// The per-variant step after the block product: from x'Y~, Q'x, x'x and the missing samples S, the exact regression
/// on the samples present. With G = I - Q_S'Q_S (Q restricted to the present samples, in Q's own coordinates):
/// Sxx = x'x - (Q'x)' G^-1 (Q'x); Sxy = x'y~ - (Q'x)' G^-1 b; Syy = y~'y~ - |y~_S|^2 - b' G^-1 b, with b = -Q_S' y~_S.
/// Without missing genotypes G = I and b = 0.
/// </summary>
public static class VariantRegression
{
    /// <summary>plink2's --max-corr default.</summary>
    public const double MaxCorrelation = 0.999;

    public static void Solve(PhenotypeGroup group, ReadOnlySpan<double> c, double xx, List<int> missing, int v, GroupBlockResult result, double maxVif)
    {
        var k = group.BasisSize;
        var phenos = group.Phenotypes.Length;
        var s = missing.Count;
        var n = group.SampleCount - s;
        var qx = c.Slice(phenos, k);
        var sumX = qx[0] * Math.Sqrt(group.SampleCount);
        result.ObsCount[v] = n;
        result.A1Freq[v] = n > 0 ? sumX / (2.0 * n) : double.NaN;

        var singular = false;
        double sxx;
        double[]? ux = null, w = null, ySsqMissing = null, qs = null, l = null;
        if (s == 0)
        {
            sxx = xx;
            for (var j = 0; j < k; j++) sxx -= qx[j] * qx[j];
        }
        else
        {
            // G = I - Q_S'Q_S, factored as L L'.
            l = new double[k * k];
            for (var a = 0; a < k; a++) l[a * k + a] = 1;
            qs = new double[s * k];
            for (var i = 0; i < s; i++)
                for (var j = 0; j < k; j++) qs[i * k + j] = BlockProduct.At(group.Z, group.TotalSamples, missing[i], phenos + j);
            for (var i = 0; i < s; i++)
                for (var a = 0; a < k; a++)
                    for (var b2 = 0; b2 <= a; b2++) l[a * k + b2] -= qs[i * k + a] * qs[i * k + b2];
            singular = !SmallCholesky.Factor(l, k, 1e-10);
            ux = qx.ToArray();
            if (!singular) SmallCholesky.ForwardSolve(l, k, ux);
            sxx = xx;
            for (var j = 0; j < k; j++) sxx -= ux[j] * ux[j];
            if (!singular)
            {
                // w[p] = L^-1 b_p with b_p = -Q_S' y~_S; also |y~_S|^2 per phenotype.
                w = new double[phenos * k];
                ySsqMissing = new double[phenos];
                for (var p = 0; p < phenos; p++)
                {
                    var bp = w.AsSpan(p * k, k);
                    for (var i = 0; i < s; i++)
                    {
                        var y = BlockProduct.At(group.Z, group.TotalSamples, missing[i], p);
                        ySsqMissing[p] += y * y;
                        for (var j = 0; j < k; j++) bp[j] -= qs[i * k + j] * y;
                    }
                    SmallCholesky.ForwardSolve(l, k, bp);
                }
            }
        }

        // plink2's checks in its order: sample count, genotype variation about its mean, correlations and VIFs.
        var sst = n > 0 ? xx - sumX * sumX / n : 0;
        var error = GlmError.None;
        if (n <= group.Predictors) error = GlmError.SampleCtLtePredictorCt;
        else if (!(sst > 1e-9 * Math.Max(1, xx))) error = GlmError.ConstOmittedAllele;
        else if (singular) error = GlmError.RankDeficient;
        else error = group.Collinearity.Check(qx, n, sumX, sst, qs, s, MaxCorrelation, maxVif);
        if (error == GlmError.None && !(sxx > 0)) error = GlmError.VifInfinite;
        result.Error[v] = error;

        var df = (double)(n - group.Predictors);
        for (var p = 0; p < phenos; p++)
        {
            if (error != GlmError.None)
            {
                result.Beta[p][v] = double.NaN;
                result.Se[p][v] = double.NaN;
                continue;
            }
            var sxy = c[p];
            var syy = group.ResidualSsq[p];
            if (s > 0)
            {
                var wp = w!.AsSpan(p * k, k);
                for (var j = 0; j < k; j++)
                {
                    sxy -= ux![j] * wp[j];
                    syy -= wp[j] * wp[j];
                }
                syy -= ySsqMissing![p];
            }
            var beta = sxy / sxx;
            var rss = syy - beta * sxy;
            var se = Math.Sqrt(Math.Max(rss, 0) / df / sxx);
            result.Beta[p][v] = beta;
            result.Se[p][v] = se > 0 ? se : double.NaN;
        }
        if (result.CovariateBeta is not null) SolveCovariates(group, qx, sxx, l, ux, w, error, v, result);
    }

    // The covariates' coefficients and standard errors in each phenotype's regression (see CovariateEffects).
    private static void SolveCovariates(PhenotypeGroup group, ReadOnlySpan<double> qx, double sxx, double[]? l, double[]? ux, double[]? w,
        GlmError error, int v, GroupBlockResult result)
    {
        var effects = group.CovariateEffects;
        var k = group.BasisSize;
        var phenos = group.Phenotypes.Length;
        if (error != GlmError.None)
        {
            for (var p = 0; p < phenos; p++)
                for (var j = 1; j < k; j++)
                {
                    result.CovariateBeta![p][j - 1][v] = double.NaN;
                    result.CovariateSe![p][j - 1][v] = double.NaN;
                }
            return;
        }
        // G^-1 Q'x, and w_j G^-1 w_j' per covariate (G = I without missing genotypes).
        var gqx = ux is null ? qx.ToArray() : (double[])ux.Clone();
        if (ux is not null) SmallCholesky.BackwardSolve(l!, k, gqx);
        var rowTerm = new double[k];
        var wg = new double[k];
        for (var j = 1; j < k; j++)
        {
            if (l is null) rowTerm[j] = effects.RowSsq[j];
            else
            {
                var z = effects.W.AsSpan(j * k, k).ToArray();
                SmallCholesky.ForwardSolve(l, k, z);
                foreach (var e in z) rowTerm[j] += e * e;
            }
            for (var i = 0; i < k; i++) wg[j] += effects.W[j * k + i] * gqx[i];
        }
        var gb = new double[k];
        for (var p = 0; p < phenos; p++)
        {
            var beta = result.Beta[p][v];
            var se = result.Se[p][v];
            var sigma2 = se * se * sxx;
            if (w is null) Array.Clear(gb);
            else
            {
                w.AsSpan(p * k, k).CopyTo(gb);
                SmallCholesky.BackwardSolve(l!, k, gb);
            }
            var theta = effects.Theta[p];
            for (var j = 1; j < k; j++)
            {
                var delta = -wg[j] * beta;
                for (var i = 0; i < k; i++) delta += effects.W[j * k + i] * (theta[i] + gb[i]);
                result.CovariateBeta![p][j - 1][v] = delta;
                result.CovariateSe![p][j - 1][v] = Math.Sqrt(sigma2 * (rowTerm[j] + wg[j] * wg[j] / sxx));
            }
        }
    }

    /// <summary>Sum of squares of <paramref name="x"/>, vectorised.</summary>
    public static double SumOfSquares(ReadOnlySpan<double> x)
    {
        var acc = Vector256<double>.Zero;
        ref var r = ref MemoryMarshal.GetReference(x);
        var i = 0;
        for (; i + 4 <= x.Length; i += 4)
        {
            var v = Vector256.LoadUnsafe(ref r, (nuint)i);
            acc = Vector256.FusedMultiplyAdd(v, v, acc);
        }
        var s = Vector256.Sum(acc);
        for (; i < x.Length; i++) s += x[i] * x[i];
        return s;
    }
}
