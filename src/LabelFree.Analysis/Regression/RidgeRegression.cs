using LabelFree.Analysis.Classification;
using static TorchSharp.torch;

namespace LabelFree.Analysis.Regression;

/// <summary>
/// Ridge regression of many targets on the same features, each target with its own penalty: minimises
/// ||y - X b - b0||² + alpha ||b||² on standardised features (centred and scaled on the training rows), solved
/// through one SVD of X for every penalty at once. <see cref="Fit"/> chooses each target's alpha from a grid by
/// grouped cross-validation on the training rows only (whole groups, such as spatial blocks, held out together),
/// then refits on all of them. Equivalent to scikit-learn's Ridge(alpha) per target on StandardScaler features.
/// </summary>
public sealed class RidgeRegression
{
    public static readonly double[] DefaultAlphas = [1e-2, 1e-1, 1, 10, 100, 1e3, 1e4, 1e5];

    private readonly double[] _mean;
    private readonly double[] _scale;
    private readonly double[,] _coefficients;   // (features, targets) on standardised features
    private readonly double[] _intercept;

    private RidgeRegression(double[] mean, double[] scale, double[,] coefficients, double[] intercept, double[] alphas)
    {
        (_mean, _scale, _coefficients, _intercept, Alphas) = (mean, scale, coefficients, intercept, alphas);
    }

    /// <summary>Each target's chosen penalty.</summary>
    public double[] Alphas { get; }

    /// <summary>Fits every target of <paramref name="y"/> (rows, targets) on <paramref name="x"/> (rows, features), each target's alpha chosen by leaving out one group of <paramref name="groups"/> at a time.</summary>
    public static RidgeRegression Fit(float[,] x, float[,] y, IReadOnlyList<int> groups, IReadOnlyList<double>? alphaGrid = null)
    {
        var grid = (alphaGrid ?? DefaultAlphas).ToArray();
        int n = x.GetLength(0), targets = y.GetLength(1);
        if (y.GetLength(0) != n || groups.Count != n) throw new ArgumentException("x, y and groups need the same rows");
        var folds = groups.Distinct().Order().ToArray();
        var errors = new double[grid.Length, targets];
        if (folds.Length >= 2)
            foreach (var fold in folds)
            {
                var train = Enumerable.Range(0, n).Where(i => groups[i] != fold).ToArray();
                var test = Enumerable.Range(0, n).Where(i => groups[i] == fold).ToArray();
                var predictions = Solve(LogisticRegression.Rows(x, train), LogisticRegression.Rows(y, train), grid).Select(m => m.Predict(LogisticRegression.Rows(x, test))).ToArray();
                for (var a = 0; a < grid.Length; a++)
                    for (var i = 0; i < test.Length; i++)
                        for (var t = 0; t < targets; t++)
                        {
                            var e = predictions[a][i, t] - y[test[i], t];
                            errors[a, t] += e * e;
                        }
            }
        var chosen = Enumerable.Range(0, targets).Select(t => Enumerable.Range(0, grid.Length).MinBy(a => errors[a, t])).ToArray();
        var fits = Solve(x, y, grid);
        var features = x.GetLength(1);
        var coefficients = new double[features, targets];
        var intercept = new double[targets];
        for (var t = 0; t < targets; t++)
        {
            var fit = fits[chosen[t]];
            for (var f = 0; f < features; f++) coefficients[f, t] = fit._coefficients[f, t];
            intercept[t] = fit._intercept[t];
        }
        return new RidgeRegression(fits[0]._mean, fits[0]._scale, coefficients, intercept, chosen.Select(a => grid[a]).ToArray());
    }

    /// <summary>Predictions (rows, targets).</summary>
    public double[,] Predict(float[,] x)
    {
        int n = x.GetLength(0), features = _mean.Length, targets = _intercept.Length;
        using var scope = NewDisposeScope();
        var z = Standardised(x, _mean, _scale);                                                         // (n, f)
        var b = tensor(Flatten(_coefficients), [features, targets]);
        var p = (z.matmul(b) + tensor(_intercept)).contiguous().data<double>().ToArray();             // (n, t)
        var result = new double[n, targets];
        Buffer.BlockCopy(p, 0, result, 0, p.Length * sizeof(double));
        return result;
    }

    /// <summary>One fit per alpha, all from one SVD: b = V diag(s / (s² + alpha)) Uᵀ (y - ȳ).</summary>
    private static RidgeRegression[] Solve(float[,] x, float[,] y, double[] alphas)
    {
        int n = x.GetLength(0), features = x.GetLength(1), targets = y.GetLength(1);
        var mean = new double[features];
        var scale = new double[features];
        for (var f = 0; f < features; f++)
        {
            double sum = 0, squares = 0;
            for (var i = 0; i < n; i++) sum += x[i, f];
            mean[f] = sum / n;
            for (var i = 0; i < n; i++) squares += (x[i, f] - mean[f]) * (x[i, f] - mean[f]);
            var sd = Math.Sqrt(squares / n);
            scale[f] = sd > 1e-12 ? sd : 1;
        }
        using var scope = NewDisposeScope();
        var z = Standardised(x, mean, scale);                                    // (n, f)
        var yt = tensor(Flatten(y), [n, targets]).to(float64);                  // (n, t)
        var yMean = yt.mean([0]);                                                // (t)
        var (u, s, vh) = linalg.svd(z, fullMatrices: false);                    // (n, r), (r), (r, f)
        var uty = u.t().matmul(yt - yMean);                                      // (r, t)
        var intercept = yMean.data<double>().ToArray();
        return alphas.Select(alpha =>
        {
            var b = vh.t().matmul((s / (s.square() + alpha)).unsqueeze(1) * uty).contiguous().data<double>().ToArray();  // (f, t)
            var coefficients = new double[features, targets];
            Buffer.BlockCopy(b, 0, coefficients, 0, b.Length * sizeof(double));
            return new RidgeRegression(mean, scale, coefficients, intercept, [alpha]);
        }).ToArray();
    }

    private static Tensor Standardised(float[,] x, double[] mean, double[] scale)
    {
        var n = x.GetLength(0);
        return (tensor(Flatten(x), [n, mean.Length]).to(float64) - tensor(mean)) / tensor(scale);
    }

    private static float[] Flatten(float[,] x)
    {
        var flat = new float[x.Length];
        Buffer.BlockCopy(x, 0, flat, 0, x.Length * sizeof(float));
        return flat;
    }

    private static double[] Flatten(double[,] x)
    {
        var flat = new double[x.Length];
        Buffer.BlockCopy(x, 0, flat, 0, x.Length * sizeof(double));
        return flat;
    }
}
