namespace LabelFree.Analysis.Gwas;

/// <summary>
/// What the covariate rows of plink2's default output need: with C = Q R on the group, the covariates' coefficients in
/// the model y = C delta + x beta are delta = W gamma with W = R^-1, where gamma = theta + G^-1 (b - Q'x beta) is the fit
/// in Q's coordinates (theta = Q'y over the group; G and b as in <see cref="VariantRegression"/>), and
/// Var(delta_j) = sigma^2 (w_j G^-1 w_j' + (w_j G^-1 Q'x)^2 / Sxx).
/// </summary>
public sealed class CovariateEffects
{
    public CovariateEffects(IReadOnlyList<string> names, double[] r, int k, double[][] theta)
    {
        Names = names;
        K = k;
        Theta = theta;
        W = InvertUpper(r, k);
        RowSsq = new double[k];
        for (var j = 0; j < k; j++)
            for (var i = 0; i < k; i++) RowSsq[j] += W[j * k + i] * W[j * k + i];
    }

    /// <summary>Covariate names, in basis order after the intercept (the TEST column of their rows).</summary>
    public IReadOnlyList<string> Names { get; }

    public int K { get; }

    /// <summary>R^-1 (k x k, upper triangular).</summary>
    public double[] W { get; }

    /// <summary>|w_j|^2: w_j G^-1 w_j' without missing genotypes (G = I).</summary>
    public double[] RowSsq { get; }

    /// <summary>Q'y over the group, per phenotype of the group.</summary>
    public double[][] Theta { get; }

    private static double[] InvertUpper(double[] r, int k)
    {
        var w = new double[k * k];
        for (var j = k - 1; j >= 0; j--)
        {
            w[j * k + j] = 1 / r[j * k + j];
            for (var c = j + 1; c < k; c++)
            {
                var s = 0.0;
                for (var m = j + 1; m <= c; m++) s += r[j * k + m] * w[m * k + c];
                w[j * k + c] = -s / r[j * k + j];
            }
        }
        return w;
    }
}
