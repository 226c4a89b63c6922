using LabelFree.Analysis.Metrics;
using LabelFree.Core.Errors;
using LabelFree.Core.Training;
using static TorchSharp.torch;

namespace LabelFree.Analysis.Classification;

/// <summary>
/// Multinomial logistic regression with an L2 penalty on the weights (not the intercepts), on standardised features
/// (each centred and scaled to unit standard deviation on the training rows; constant features are only centred):
/// minimises mean over rows of -log softmax(x W + b)[y] + (l2 / 2) ||W||². The objective is strictly convex, so the
/// optimum is unique; it is found by L-BFGS (10 pairs, Armijo backtracking) in double precision until the largest
/// gradient component is below the tolerance. scikit-learn's LogisticRegression(C) is the same model with
/// l2 = 1 / (C n) on the same standardised features. For binary labels on a large sparse design see
/// <see cref="SparseLogisticRegression"/>.
/// </summary>
public sealed class LogisticRegression
{
    private const int History = 10;

    private readonly double[] _mean;
    private readonly double[] _scale;
    private readonly double[] _weights;  // (features, classes), row-major, on the standardised features
    private readonly double[] _bias;

    private LogisticRegression(double[] mean, double[] scale, double[] weights, double[] bias, int classes, double l2, int iterations, bool converged)
    {
        (_mean, _scale, _weights, _bias) = (mean, scale, weights, bias);
        (Classes, L2, Iterations, Converged) = (classes, l2, iterations, converged);
    }

    public int Classes { get; }

    public int Features => _mean.Length;

    public double L2 { get; }

    public int Iterations { get; }

    public bool Converged { get; }

    /// <summary>The weight of feature <paramref name="feature"/> for class <paramref name="c"/>, on the standardised scale.</summary>
    public double Weight(int feature, int c) => _weights[feature * Classes + c];

    public double Intercept(int c) => _bias[c];

    /// <summary>Fits on rows <paramref name="x"/> (rows, features) with classes <paramref name="y"/> in 0..classes-1.</summary>
    public static LogisticRegression Fit(float[,] x, IReadOnlyList<int> y, int classes, double l2, int maxIterations = 1000, double tolerance = 1e-6) =>
        Fit(x, y, classes, l2, null, maxIterations, tolerance);

    /// <summary>Fits starting from <paramref name="start"/>'s solution (the same rows with another penalty), which L-BFGS reaches the new optimum from in far fewer steps.</summary>
    private static LogisticRegression Fit(float[,] x, IReadOnlyList<int> y, int classes, double l2, LogisticRegression? start, int maxIterations, double tolerance)
    {
        int rows = x.GetLength(0), features = x.GetLength(1);
        if (rows != y.Count) throw new ArgumentException($"{rows} rows but {y.Count} labels", nameof(y));
        if (rows == 0) throw new UserInputException("logistic regression: no training rows");
        if (classes < 2 || y.Any(c => c < 0 || c >= classes)) throw new ArgumentException($"labels must be 0 to {classes - 1}, with at least 2 classes", nameof(y));
        if (!(l2 >= 0) || !double.IsFinite(l2)) throw new ArgumentOutOfRangeException(nameof(l2), l2, "expected zero or more");
        var (mean, scale) = Standardisation(x);

        using var scope = NewDisposeScope();
        var data = Standardised(x, mean, scale);                                                         // (n, d)
        var targets = nn.functional.one_hot(tensor(y.Select(c => (long)c).ToArray()), classes).to(float64);  // (n, C)
        var size = features * classes;
        (double Value, double[] Gradient) Objective(double[] parameters)
        {
            using var noCollection = NoCollectionRegion.Enter();  // TorchSharp's temporary scalars must not be finalized mid-call
            using var inner = NewDisposeScope();
            var theta = tensor(parameters);
            var weights = theta.narrow(0, 0, size).view(features, classes);
            var logits = data.matmul(weights) + theta.narrow(0, size, classes);                      // (n, C)
            var logNormaliser = logits.logsumexp(1);                                                 // (n)
            var value = (logNormaliser - (logits * targets).sum(1)).mean() + 0.5 * l2 * weights.square().sum();
            var residual = (logits.softmax(1) - targets) / rows;                                     // (n, C)
            var gradient = cat([(data.t().matmul(residual) + l2 * weights).flatten(), residual.sum(dim: 0)]);
            return (value.item<double>(), gradient.data<double>().ToArray());
        }

        var initial = start is null ? new double[size + classes] : [.. start._weights, .. start._bias];
        var (values, iterations, converged) = Minimise(Objective, initial, maxIterations, tolerance);
        return new LogisticRegression(mean, scale, values[..size], values[size..], classes, l2, iterations, converged);
    }

    /// <summary>Class probabilities (rows, classes).</summary>
    public double[,] PredictProbabilities(float[,] x)
    {
        if (x.GetLength(1) != Features) throw new ArgumentException($"{x.GetLength(1)} features, the model has {Features}", nameof(x));
        using var scope = NewDisposeScope();
        var logits = Standardised(x, _mean, _scale).matmul(tensor(_weights, [Features, Classes])) + tensor(_bias);
        var probabilities = logits.softmax(1).contiguous().data<double>().ToArray();
        var result = new double[x.GetLength(0), Classes];
        Buffer.BlockCopy(probabilities, 0, result, 0, probabilities.Length * sizeof(double));
        return result;
    }

    /// <summary>
    /// Chooses the L2 strength (and, with several candidate feature sets, the features) by stratified
    /// <paramref name="folds"/>-fold cross-validation on the given rows alone, by mean held-out log loss; ties go to the
    /// earlier candidate. Returns the index of the feature set and the strength. Within a fold the strengths are fitted
    /// from the strongest down, each starting from the previous solution.
    /// </summary>
    public static (int FeatureSet, double L2, double LogLoss) Select(IReadOnlyList<float[,]> featureSets, IReadOnlyList<int> y, int classes,
        IReadOnlyList<double> l2Grid, int folds, long seed)
    {
        var fold = StratifiedFolds.Assign(y, folds, seed);
        var strengths = Enumerable.Range(0, l2Grid.Count).OrderByDescending(i => l2Grid[i]).ToArray();
        var losses = new double[featureSets.Count, l2Grid.Count];
        for (var f = 0; f < featureSets.Count; f++)
        {
            for (var k = 0; k < folds; k++)
            {
                var train = Enumerable.Range(0, y.Count).Where(i => fold[i] != k).ToArray();
                var test = Enumerable.Range(0, y.Count).Where(i => fold[i] == k).ToArray();
                if (test.Length == 0 || train.Select(i => y[i]).Distinct().Count() < 2) continue;
                var (trainRows, testRows) = (Rows(featureSets[f], train), Rows(featureSets[f], test));
                var trainLabels = train.Select(i => y[i]).ToArray();
                var testLabels = test.Select(i => y[i]).ToArray();
                LogisticRegression? previous = null;
                foreach (var g in strengths)
                {
                    previous = Fit(trainRows, trainLabels, classes, l2Grid[g], previous, 1000, 1e-6);
                    losses[f, g] += ClassificationMetrics.LogLoss(previous.PredictProbabilities(testRows), testLabels) * test.Length / y.Count;
                }
            }
        }
        var best = (FeatureSet: 0, L2: l2Grid[0], LogLoss: double.PositiveInfinity);
        for (var f = 0; f < featureSets.Count; f++)
            for (var g = 0; g < l2Grid.Count; g++)
                if (losses[f, g] < best.LogLoss) best = (f, l2Grid[g], losses[f, g]);
        return best;
    }

    /// <summary>The rows <paramref name="rows"/> of <paramref name="x"/>.</summary>
    public static float[,] Rows(float[,] x, IReadOnlyList<int> rows)
    {
        var columns = x.GetLength(1);
        var result = new float[rows.Count, columns];
        for (var i = 0; i < rows.Count; i++) Buffer.BlockCopy(x, rows[i] * columns * sizeof(float), result, i * columns * sizeof(float), columns * sizeof(float));
        return result;
    }

    private static (double[] Mean, double[] Scale) Standardisation(float[,] x)
    {
        int rows = x.GetLength(0), features = x.GetLength(1);
        var mean = new double[features];
        var scale = new double[features];
        for (var j = 0; j < features; j++)
        {
            double sum = 0, squares = 0;
            for (var i = 0; i < rows; i++) sum += x[i, j];
            mean[j] = sum / rows;
            for (var i = 0; i < rows; i++) squares += (x[i, j] - mean[j]) * (x[i, j] - mean[j]);
            var sd = Math.Sqrt(squares / rows);
            scale[j] = sd > 1e-12 ? sd : 1;
        }
        return (mean, scale);
    }

    private static Tensor Standardised(float[,] x, double[] mean, double[] scale) =>
        (tensor(x).to(float64) - tensor(mean)) / tensor(scale);                                      // (n, d)

    /// <summary>L-BFGS (Nocedal and Wright, algorithms 7.4 and 7.5) with Armijo backtracking from a unit step.</summary>
    private static (double[] Solution, int Iterations, bool Converged) Minimise(Func<double[], (double Value, double[] Gradient)> objective, double[] start,
        int maxIterations, double tolerance)
    {
        var theta = start;
        var (value, gradient) = objective(theta);
        var steps = new List<(double[] S, double[] Y, double Rho)>();
        for (var iteration = 0; iteration < maxIterations; iteration++)
        {
            if (MaxAbs(gradient) < tolerance) return (theta, iteration, true);
            var direction = TwoLoop(gradient, steps);
            for (var i = 0; i < direction.Length; i++) direction[i] = -direction[i];
            var slope = Dot(gradient, direction);
            if (slope >= 0)
            {
                steps.Clear();  // not a descent direction (numerical trouble): restart from steepest descent
                direction = gradient.Select(g => -g).ToArray();
                slope = -Dot(gradient, gradient);
            }
            var step = steps.Count == 0 ? Math.Min(1, 1 / Math.Sqrt(-slope)) : 1.0;
            double[] next;
            double nextValue;
            double[] nextGradient;
            for (var tries = 0; ; tries++)
            {
                next = new double[theta.Length];
                for (var i = 0; i < next.Length; i++) next[i] = theta[i] + step * direction[i];
                (nextValue, nextGradient) = objective(next);
                if (nextValue <= value + 1e-4 * step * slope || tries == 50) break;
                step *= 0.5;
            }
            var s = new double[theta.Length];
            var yDiff = new double[theta.Length];
            for (var i = 0; i < s.Length; i++)
            {
                s[i] = next[i] - theta[i];
                yDiff[i] = nextGradient[i] - gradient[i];
            }
            var sy = Dot(s, yDiff);
            if (sy > 1e-12)
            {
                steps.Add((s, yDiff, 1 / sy));
                if (steps.Count > History) steps.RemoveAt(0);
            }
            var change = Math.Abs(value - nextValue);
            (theta, value, gradient) = (next, nextValue, nextGradient);
            if (change <= 1e-14 * Math.Max(1, Math.Abs(value))) return (theta, iteration + 1, MaxAbs(gradient) < 100 * tolerance);
        }
        return (theta, maxIterations, false);
    }

    private static double[] TwoLoop(double[] gradient, List<(double[] S, double[] Y, double Rho)> steps)
    {
        var q = (double[])gradient.Clone();
        var alphas = new double[steps.Count];
        for (var j = steps.Count - 1; j >= 0; j--)
        {
            alphas[j] = steps[j].Rho * Dot(steps[j].S, q);
            Add(q, -alphas[j], steps[j].Y);
        }
        if (steps.Count > 0)
        {
            var (s, y, _) = steps[^1];
            var gamma = Dot(s, y) / Dot(y, y);
            for (var i = 0; i < q.Length; i++) q[i] *= gamma;
        }
        for (var j = 0; j < steps.Count; j++)
        {
            var beta = steps[j].Rho * Dot(steps[j].Y, q);
            Add(q, alphas[j] - beta, steps[j].S);
        }
        return q;
    }

    private static double Dot(double[] a, double[] b)
    {
        double sum = 0;
        for (var i = 0; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }

    private static void Add(double[] target, double factor, double[] values)
    {
        for (var i = 0; i < target.Length; i++) target[i] += factor * values[i];
    }

    private static double MaxAbs(double[] values) => values.Max(Math.Abs);
}
