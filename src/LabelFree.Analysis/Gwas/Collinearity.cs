namespace LabelFree.Analysis.Gwas;

/// <summary>
/// plink2's per-variant predictor checks (CheckMaxCorrAndVif) on the non-intercept predictors, covariates and genotype:
/// |correlation| above 0.999 for any pair is CORR_TOO_HIGH; otherwise a singular correlation matrix is VIF_INFINITE and
/// a diagonal element of its inverse (a VIF) above 50 is VIF_TOO_HIGH. Covariate moments come from R = Q'C, so the
/// genotype's cross-products with the covariates are C'x = R'(Q'x), which the block product already gives.
/// </summary>
public sealed class Collinearity
{
    private readonly int _k;            // basis size (intercept + m covariates)
    private readonly double[] _r;       // R = Q'C, k x k
    private readonly double[] _sum;     // sum of each covariate over the group, m
    private readonly double[] _cross;   // uncentred cross-products of covariates over the group, m x m
    private readonly double[]? _inverse; // inverse correlation matrix of the covariates over the group, m x m

    /// <param name="basis">Q's columns (intercept first).</param>
    /// <param name="columns">The raw columns Q spans, in the same order: [1, kept covariates].</param>
    /// <param name="groupCount">Samples in the group.</param>
    public Collinearity(IReadOnlyList<double[]> basis, IReadOnlyList<double[]> columns, int groupCount)
    {
        _k = basis.Count;
        _r = new double[_k * _k];
        for (var i = 0; i < _k; i++)
            for (var j = i; j < _k; j++) _r[i * _k + j] = Dot(basis[i], columns[j]);
        var m = _k - 1;
        _sum = new double[m];
        _cross = new double[m * m];
        for (var a = 0; a < m; a++)
        {
            _sum[a] = _r[a + 1] * Math.Sqrt(groupCount);   // q0 = 1/sqrt(n) on the group
            for (var b = 0; b < m; b++)
                for (var i = 0; i < _k; i++) _cross[a * m + b] += _r[i * _k + a + 1] * _r[i * _k + b + 1];
        }
        if (m > 0)
        {
            var corr = Correlation(_sum, _cross, groupCount, m);
            _inverse = Invert(corr, m) ? corr : null;
        }
    }

    /// <summary>R = Q'C (k x k, upper triangular): C's columns in Q's coordinates.</summary>
    public ReadOnlySpan<double> R => _r;

    /// <summary>The check for one variant; <paramref name="qsRows"/> holds Q's rows at the missing samples (s x k).</summary>
    public GlmError Check(ReadOnlySpan<double> qx, double n, double sumX, double sst, ReadOnlySpan<double> qsRows, int missing, double maxCorr, double maxVif)
    {
        var m = _k - 1;
        if (m == 0) return GlmError.None;
        var sum = _sum;
        var cross = _cross;
        if (missing > 0)
        {
            sum = (double[])_sum.Clone();
            cross = (double[])_cross.Clone();
            var row = new double[m];
            for (var s = 0; s < missing; s++)
            {
                for (var a = 0; a < m; a++)
                {
                    row[a] = 0;
                    for (var i = 0; i <= a + 1; i++) row[a] += qsRows[s * _k + i] * _r[i * _k + a + 1];
                    sum[a] -= row[a];
                }
                for (var a = 0; a < m; a++)
                    for (var b = 0; b < m; b++) cross[a * m + b] -= row[a] * row[b];
            }
        }
        // Correlations of the genotype with each covariate: cov = x'c - sum(x) sum(c) / n.
        var r = new double[m];
        for (var a = 0; a < m; a++)
        {
            var xc = 0.0;
            for (var i = 0; i <= a + 1; i++) xc += _r[i * _k + a + 1] * qx[i];
            var variance = cross[a * m + a] - sum[a] * sum[a] / n;
            r[a] = (xc - sumX * sum[a] / n) / Math.Sqrt(sst * variance);
            if (Math.Abs(r[a]) > maxCorr) return GlmError.CorrTooHigh;
        }
        double[] inverse;
        if (missing == 0 && _inverse is not null) inverse = _inverse;
        else
        {
            inverse = Correlation(sum, cross, n, m);
            for (var a = 0; a < m; a++)
                for (var b = 0; b < a; b++)
                    if (Math.Abs(inverse[a * m + b]) > maxCorr) return GlmError.CorrTooHigh;
            if (!Invert(inverse, m)) return GlmError.VifInfinite;
        }
        // Block inverse of [[corr_cc, r], [r', 1]]: VIF_x = 1 / d, VIF_c = inv_cc + u^2 / d with u = inv_cc r.
        var u = new double[m];
        var d = 1.0;
        for (var a = 0; a < m; a++)
        {
            for (var b = 0; b < m; b++) u[a] += inverse[a * m + b] * r[b];
            d -= r[a] * u[a];
        }
        if (!(d > 1e-12)) return GlmError.VifInfinite;
        if (1 / d > maxVif) return GlmError.VifTooHigh;
        for (var a = 0; a < m; a++)
            if (inverse[a * m + a] + u[a] * u[a] / d > maxVif) return GlmError.VifTooHigh;
        return GlmError.None;
    }

    private static double[] Correlation(double[] sum, double[] cross, double n, int m)
    {
        var corr = new double[m * m];
        var sd = new double[m];
        for (var a = 0; a < m; a++) sd[a] = Math.Sqrt(cross[a * m + a] - sum[a] * sum[a] / n);
        for (var a = 0; a < m; a++)
            for (var b = 0; b < m; b++)
                corr[a * m + b] = a == b ? 1 : (cross[a * m + b] - sum[a] * sum[b] / n) / (sd[a] * sd[b]);
        return corr;
    }

    // Gauss-Jordan inversion in place with partial pivoting; false if singular.
    private static bool Invert(double[] a, int m)
    {
        var inv = new double[m * m];
        for (var i = 0; i < m; i++) inv[i * m + i] = 1;
        for (var c = 0; c < m; c++)
        {
            var pivot = c;
            for (var r = c + 1; r < m; r++) if (Math.Abs(a[r * m + c]) > Math.Abs(a[pivot * m + c])) pivot = r;
            if (!(Math.Abs(a[pivot * m + c]) > 1e-12)) return false;
            if (pivot != c)
                for (var x = 0; x < m; x++)
                {
                    (a[c * m + x], a[pivot * m + x]) = (a[pivot * m + x], a[c * m + x]);
                    (inv[c * m + x], inv[pivot * m + x]) = (inv[pivot * m + x], inv[c * m + x]);
                }
            var d = a[c * m + c];
            for (var x = 0; x < m; x++) { a[c * m + x] /= d; inv[c * m + x] /= d; }
            for (var r = 0; r < m; r++)
            {
                if (r == c) continue;
                var f = a[r * m + c];
                if (f == 0) continue;
                for (var x = 0; x < m; x++) { a[r * m + x] -= f * a[c * m + x]; inv[r * m + x] -= f * inv[c * m + x]; }
            }
        }
        Array.Copy(inv, a, inv.Length);
        return true;
    }

    private static double Dot(double[] a, double[] b)
    {
        var s = 0.0;
        for (var i = 0; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }
}
