namespace LabelFree.Analysis.Gwas;

/// <summary>
/// Cholesky factorisation and triangular solves of the small dense systems (covariates plus one variant) that the
/// linear and logistic scans solve per variant: matrices row-major in a k x k array, the factor in its lower triangle.
/// </summary>
internal static class SmallCholesky
{
    /// <summary>In-place factorisation A = L L'; false when a pivot is not above <paramref name="minPivot"/> (not positive definite).</summary>
    public static bool Factor(double[] a, int k, double minPivot)
    {
        for (var j = 0; j < k; j++)
        {
            var d = a[j * k + j];
            for (var m = 0; m < j; m++) d -= a[j * k + m] * a[j * k + m];
            if (!(d > minPivot)) return false;
            d = Math.Sqrt(d);
            a[j * k + j] = d;
            for (var i = j + 1; i < k; i++)
            {
                var e = a[i * k + j];
                for (var m = 0; m < j; m++) e -= a[i * k + m] * a[j * k + m];
                a[i * k + j] = e / d;
            }
        }
        return true;
    }

    /// <summary>Solves L z = b in place.</summary>
    public static void ForwardSolve(double[] l, int k, Span<double> b)
    {
        for (var i = 0; i < k; i++)
        {
            var e = b[i];
            for (var m = 0; m < i; m++) e -= l[i * k + m] * b[m];
            b[i] = e / l[i * k + i];
        }
    }

    /// <summary>Solves L' z = b in place.</summary>
    public static void BackwardSolve(double[] l, int k, Span<double> b)
    {
        for (var i = k - 1; i >= 0; i--)
        {
            var e = b[i];
            for (var m = i + 1; m < k; m++) e -= l[m * k + i] * b[m];
            b[i] = e / l[i * k + i];
        }
    }

    /// <summary>Solves L L' z = b in place.</summary>
    public static void Solve(double[] l, int k, Span<double> b)
    {
        ForwardSolve(l, k, b);
        BackwardSolve(l, k, b);
    }
}
