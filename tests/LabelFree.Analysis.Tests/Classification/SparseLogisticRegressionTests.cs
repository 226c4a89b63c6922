using System.Globalization;
using LabelFree.Analysis.Classification;
using LabelFree.Core.Randomness;
using LabelFree.TestKit;

namespace LabelFree.Analysis.Tests.Classification;

public class SparseLogisticRegressionTests
{
    [Fact]
    public void Matches_scipy_minimising_the_same_penalised_log_loss()
    {
        var rng = new Rng(11);
        const int n = 400, p = 6;
        var rows = new List<IReadOnlyList<(int, float)>>();
        var labels = new bool[n];
        for (var i = 0; i < n; i++)
        {
            var row = new List<(int, float)>();
            var z = -0.5;
            for (var j = 0; j < p; j++)
            {
                if (rng.NextDouble() < 0.5) continue;  // sparse
                var v = (float)rng.NextGaussian();
                row.Add((j, v));
                z += (j - 2.5) * 0.6 * v;
            }
            rows.Add(row);
            labels[i] = rng.NextDouble() < 1 / (1 + Math.Exp(-z));
        }
        var x = SparseRows.FromRows(p, rows);
        const double l2 = 0.01;
        var model = SparseLogisticRegression.Fit(x, labels, l2);

        using var folder = new TempFolder();
        var dense = Enumerable.Range(0, n).Select(i => string.Join(",", Enumerable.Range(0, p).Select(j =>
            rows[i].Where(c => c.Item1 == j).Select(c => c.Item2).DefaultIfEmpty(0f).First().ToString("R", CultureInfo.InvariantCulture))) + "," + (labels[i] ? 1 : 0));
        File.WriteAllLines(folder["x.csv"], dense);
        const string script = """
            import sys, numpy as np
            from scipy.optimize import minimize
            d = np.loadtxt(sys.argv[1], delimiter=','); X, y = d[:, :-1], d[:, -1]; l2 = float(sys.argv[2])
            def f(t):
                z = X @ t[:-1] + t[-1]
                loss = np.mean(np.logaddexp(0, z) - y * z) + l2 / 2 * t[:-1] @ t[:-1]
                r = (1 / (1 + np.exp(-z)) - y) / len(y)
                return loss, np.append(X.T @ r + l2 * t[:-1], r.sum())
            t = minimize(f, np.zeros(X.shape[1] + 1), jac=True, method='L-BFGS-B', options={'gtol': 1e-12, 'ftol': 1e-15, 'maxiter': 10000}).x
            print(' '.join(repr(v) for v in t))
            """;
        var expected = DebianPython.Run("python3-scipy", script, folder["x.csv"], "0.01")[0].Split(' ').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        for (var j = 0; j < p; j++) Assert.True(Math.Abs(model.Weights[j] - expected[j]) < 1e-5, $"w{j}: {model.Weights[j]} vs scipy {expected[j]}");
        Assert.True(Math.Abs(model.Intercept - expected[p]) < 1e-5, $"intercept: {model.Intercept} vs scipy {expected[p]}");
        // The effects have the signs they were drawn with.
        Assert.True(model.Weights[0] < 0 && model.Weights[5] > 0);
    }

    [Fact]
    public void A_stronger_penalty_shrinks_the_weights_and_probabilities_stay_in_range()
    {
        var x = SparseRows.FromRows(2, [[(0, 1f)], [(0, 1f), (1, 2f)], [(1, -1f)], [], [(0, -1f)]]);
        bool[] y = [true, true, false, false, false];
        var weak = SparseLogisticRegression.Fit(x, y, 1e-4);
        var strong = SparseLogisticRegression.Fit(x, y, 1);
        Assert.True(Math.Abs(strong.Weights[0]) < Math.Abs(weak.Weights[0]));
        Assert.All(weak.Predict(x), v => Assert.InRange(v, 0f, 1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => SparseLogisticRegression.Fit(x, y, 0));
    }
}
