using System.Globalization;
using LabelFree.Analysis.Classification;
using LabelFree.Core.Randomness;
using LabelFree.TestKit;

namespace LabelFree.Analysis.Tests.Classification;

public class LogisticRegressionTests
{
    /// <summary>Three classes in four features (one constant), with overlap, so the optimum is finite even without a penalty.</summary>
    private static (float[,] X, int[] Y) Data(int rows, long seed)
    {
        var rng = new Rng((ulong)seed);
        var x = new float[rows, 4];
        var y = new int[rows];
        for (var i = 0; i < rows; i++)
        {
            y[i] = i % 3;
            x[i, 0] = (float)(y[i] + 1.5 * rng.NextGaussian());
            x[i, 1] = (float)(y[i] == 2 ? 1 + rng.NextGaussian() : rng.NextGaussian());
            x[i, 2] = (float)(10 + 3 * rng.NextGaussian());
            x[i, 3] = 7;
        }
        return (x, y);
    }

    [Fact]
    public void The_fit_is_the_unique_optimum_that_scipy_finds_for_the_same_objective()
    {
        _ = TestTorch.Cpu;
        var (x, y) = Data(90, 3);
        const double l2 = 0.05;
        var model = LogisticRegression.Fit(x, y, classes: 3, l2);
        Assert.True(model.Converged);

        // The same objective, written independently in numpy and minimised by scipy's L-BFGS-B.
        var rows = string.Join(";", Enumerable.Range(0, 90).Select(i => string.Join(",", Enumerable.Range(0, 4).Select(j => x[i, j].ToString("R", CultureInfo.InvariantCulture))) + "," + y[i]));
        var lines = DebianPython.Run("python3-scipy", """
            import sys, numpy as np
            from scipy.optimize import minimize
            from scipy.special import logsumexp
            data = np.array([[float(v) for v in r.split(",")] for r in sys.argv[1].split(";")])
            X, y = data[:, :4], data[:, 4].astype(int)
            sd = X.std(0); sd[sd < 1e-12] = 1
            Z = (X - X.mean(0)) / sd
            Y = np.eye(3)[y]; n, d = Z.shape; lam = float(sys.argv[2])
            def f(t):
                W, b = t[:d*3].reshape(d, 3), t[d*3:]
                L = Z @ W + b
                P = np.exp(L - logsumexp(L, 1, keepdims=True))
                R = (P - Y) / n
                return (logsumexp(L, 1) - (L * Y).sum(1)).mean() + lam / 2 * (W ** 2).sum(), np.concatenate([(Z.T @ R + lam * W).ravel(), R.sum(0)])
            r = minimize(f, np.zeros(d*3+3), jac=True, method="L-BFGS-B", options={"gtol": 1e-10, "ftol": 1e-15, "maxiter": 10000})
            W, b = r.x[:d*3].reshape(d, 3), r.x[d*3:]
            L = Z @ W + b
            P = np.exp(L - logsumexp(L, 1, keepdims=True))
            print(" ".join(repr(v) for v in W.ravel()))
            print(" ".join(repr(v) for v in P[:5].ravel()))
            """, rows, l2.ToString("R", CultureInfo.InvariantCulture));
        var weights = lines[0].Split(' ').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        var probabilities = lines[1].Split(' ').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        for (var j = 0; j < 4; j++)
            for (var c = 0; c < 3; c++) Assert.Equal(weights[j * 3 + c], model.Weight(j, c), 4);
        var predicted = model.PredictProbabilities(x);
        for (var i = 0; i < 5; i++)
            for (var c = 0; c < 3; c++) Assert.Equal(probabilities[i * 3 + c], predicted[i, c], 5);
        // The constant feature, zero once centred, gets no weight.
        Assert.All(Enumerable.Range(0, 3), c => Assert.Equal(0, model.Weight(3, c), 8));
    }

    [Fact]
    public void A_stronger_penalty_shrinks_the_weights_and_selection_prefers_the_informative_features()
    {
        _ = TestTorch.Cpu;
        var (x, y) = Data(120, 5);
        var loose = LogisticRegression.Fit(x, y, 3, 1e-4);
        var tight = LogisticRegression.Fit(x, y, 3, 10);
        Assert.True(Math.Abs(tight.Weight(0, 2)) < Math.Abs(loose.Weight(0, 2)) / 5);
        var noise = new float[120, 2];
        var rng = new Rng(8);
        for (var i = 0; i < 120; i++) (noise[i, 0], noise[i, 1]) = ((float)rng.NextGaussian(), (float)rng.NextGaussian());
        var (set, _, logLoss) = LogisticRegression.Select([noise, x], y, 3, [1e-3, 1e-1, 10], folds: 3, seed: 1);
        Assert.Equal(1, set);
        Assert.True(logLoss < Math.Log(3));
    }

    [Fact]
    public void Stratified_folds_keep_each_class_spread_over_the_folds()
    {
        var labels = Enumerable.Range(0, 50).Select(i => i < 40 ? 0 : 1).ToArray();
        var folds = StratifiedFolds.Assign(labels, 5, seed: 2);
        Assert.Equal(folds, StratifiedFolds.Assign(labels, 5, seed: 2));
        for (var k = 0; k < 5; k++)
        {
            Assert.Equal(8, Enumerable.Range(0, 40).Count(i => folds[i] == k));
            Assert.Equal(2, Enumerable.Range(40, 10).Count(i => folds[i] == k));
        }
    }
}
