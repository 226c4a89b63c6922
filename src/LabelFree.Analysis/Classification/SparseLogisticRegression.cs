namespace LabelFree.Analysis.Classification;

/// <summary>A fitted logistic model: P(y = 1 | x) = σ(x·w + b).</summary>
public sealed record SparseLogisticModel(double[] Weights, double Intercept)
{
    public double Probability(SparseRows x, int row) => Sigmoid(x.Dot(row, Weights) + Intercept);

    public float[] Predict(SparseRows x) => Enumerable.Range(0, x.Rows).Select(i => (float)Probability(x, i)).ToArray();

    internal static double Sigmoid(double z) => z >= 0 ? 1 / (1 + Math.Exp(-z)) : Math.Exp(z) / (1 + Math.Exp(z));
}

/// <summary>
/// L2-penalised logistic regression, minimising mean log-loss + (l2 / 2)·|w|² (the intercept is not penalised; this
/// is scikit-learn's SparseLogisticRegression with C = 1 / (n·l2)). Fitted by Newton's method with conjugate-gradient steps
/// on Hessian-vector products and a backtracking line search (a truncated Newton method, as liblinear's), so each
/// iteration costs a few passes over the non-zeros of a sparse design and no p x p matrix is formed. Binary labels on
/// a sparse design as given (health-record code counts, thousands of columns mostly zero); for several classes on a
/// small dense design, standardised inside, see <see cref="LogisticRegression"/>.
/// </summary>
public static class SparseLogisticRegression
{
    public static SparseLogisticModel Fit(SparseRows x, ReadOnlySpan<bool> y, double l2, int maxIterations = 100, double tolerance = 1e-6)
    {
        if (x.Rows != y.Length) throw new ArgumentException($"{x.Rows} rows but {y.Length} labels");
        if (!(l2 > 0)) throw new ArgumentOutOfRangeException(nameof(l2), "the L2 penalty must be positive");
        var (n, p) = (x.Rows, x.Columns);
        var labels = y.ToArray();
        var theta = new double[p + 1];  // weights, then the intercept
        var positives = labels.Count(v => v);
        theta[p] = Math.Log((positives + 0.5) / (n - positives + 0.5));
        var margin = new double[n];
        var prob = new double[n];

        double Objective(double[] t)
        {
            var loss = 0.0;
            for (var i = 0; i < n; i++)
            {
                var z = x.Dot(i, t) + t[p];
                loss += labels[i] ? Softplus(-z) : Softplus(z);
            }
            var penalty = 0.0;
            for (var j = 0; j < p; j++) penalty += t[j] * t[j];
            return loss / n + l2 / 2 * penalty;
        }

        var value = Objective(theta);
        for (var iteration = 0; iteration < maxIterations; iteration++)
        {
            var gradient = new double[p + 1];
            for (var i = 0; i < n; i++)
            {
                margin[i] = x.Dot(i, theta) + theta[p];
                prob[i] = SparseLogisticModel.Sigmoid(margin[i]);
                var r = (prob[i] - (labels[i] ? 1 : 0)) / n;
                x.AddRow(i, r, gradient);
                gradient[p] += r;
            }
            for (var j = 0; j < p; j++) gradient[j] += l2 * theta[j];
            var norm = Math.Sqrt(gradient.Sum(g => g * g));
            if (norm < tolerance) break;

            var step = ConjugateGradient(x, prob, l2, gradient, Math.Min(0.5, Math.Sqrt(norm)) * norm);
            var slope = 0.0;
            for (var j = 0; j <= p; j++) slope += gradient[j] * step[j];
            var alpha = 1.0;
            double[] candidate;
            double next;
            while (true)
            {
                candidate = theta.Select((t, j) => t - alpha * step[j]).ToArray();
                next = Objective(candidate);
                if (next <= value - 1e-4 * alpha * slope || alpha < 1e-10) break;
                alpha /= 2;
            }
            var improvement = value - next;
            (theta, value) = (candidate, next);
            if (improvement < 1e-12 * Math.Max(1, Math.Abs(value))) break;
        }
        return new SparseLogisticModel(theta[..p], theta[p]);
    }

    /// <summary>Solves H s = g for the Newton step, H = Xᵀ D X / n + l2 I (no penalty on the intercept), to residual <paramref name="tolerance"/>.</summary>
    private static double[] ConjugateGradient(SparseRows x, double[] prob, double l2, double[] g, double tolerance)
    {
        var (n, p) = (x.Rows, x.Columns);
        var s = new double[p + 1];
        var r = (double[])g.Clone();
        var d = (double[])g.Clone();
        var rr = r.Sum(v => v * v);
        var hd = new double[p + 1];
        for (var iteration = 0; iteration < 2 * (p + 1) && Math.Sqrt(rr) > tolerance; iteration++)
        {
            Array.Clear(hd);
            for (var i = 0; i < n; i++)
            {
                var w = prob[i] * (1 - prob[i]) / n * (x.Dot(i, d) + d[p]);
                x.AddRow(i, w, hd);
                hd[p] += w;
            }
            for (var j = 0; j < p; j++) hd[j] += l2 * d[j];
            var curvature = 0.0;
            for (var j = 0; j <= p; j++) curvature += d[j] * hd[j];
            if (curvature <= 0) break;
            var a = rr / curvature;
            for (var j = 0; j <= p; j++)
            {
                s[j] += a * d[j];
                r[j] -= a * hd[j];
            }
            var rrNext = r.Sum(v => v * v);
            var beta = rrNext / rr;
            rr = rrNext;
            for (var j = 0; j <= p; j++) d[j] = r[j] + beta * d[j];
        }
        return s;
    }

    private static double Softplus(double z) => z > 0 ? z + Math.Log(1 + Math.Exp(-z)) : Math.Log(1 + Math.Exp(z));
}
