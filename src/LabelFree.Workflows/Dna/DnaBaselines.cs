using System.Globalization;
using LabelFree.Analysis.Classification;

namespace LabelFree.Workflows.Dna;

/// <summary>A classifier's probabilities for the test rows and the hyper-parameters it chose on its training rows.</summary>
public sealed record BaselinePrediction(double[,] Probabilities, string Choice);

/// <summary>
/// The linear models every DNA classification is reported beside, each with its hyper-parameters chosen by 3-fold
/// stratified cross-validation on the training rows only (mean held-out log loss):
/// <list type="bullet">
/// <item>k-mer spectrum: frequencies of all words of 1 to K bases (<see cref="KmerSpectrum"/>), K from
/// <see cref="MaxKs"/>, with L2 logistic regression (strength from <see cref="L2Grid"/>).</item>
/// <item>Linear probe: L2 logistic regression on frozen embeddings (strength from <see cref="L2Grid"/>).</item>
/// </list>
/// </summary>
public static class DnaBaselines
{
    public static readonly int[] MaxKs = [2, 3, 4, 5];

    public static readonly double[] L2Grid = [1e-4, 1e-3, 1e-2, 1e-1, 1, 10];

    public const int SelectionFolds = 3;

    public static BaselinePrediction KmerSpectrum(IReadOnlyList<ReadOnlyMemory<byte>> train, IReadOnlyList<int> y, IReadOnlyList<ReadOnlyMemory<byte>> test,
        int classes, long seed)
    {
        var sets = MaxKs.Select(k => Analysis.Sequences.KmerSpectrum.Of(train, k)).ToArray();
        var (set, l2, _) = LogisticRegression.Select(sets, y, classes, L2Grid, Folds(y), seed);
        var model = LogisticRegression.Fit(sets[set], y, classes, l2);
        var probabilities = model.PredictProbabilities(Analysis.Sequences.KmerSpectrum.Of(test, MaxKs[set]));
        return new BaselinePrediction(probabilities, string.Create(CultureInfo.InvariantCulture, $"k-mers of 1 to {MaxKs[set]} bases, L2 {l2:G2}"));
    }

    public static BaselinePrediction Probe(float[,] train, IReadOnlyList<int> y, float[,] test, int classes, long seed)
    {
        var (_, l2, _) = LogisticRegression.Select([train], y, classes, L2Grid, Folds(y), seed);
        var model = LogisticRegression.Fit(train, y, classes, l2);
        return new BaselinePrediction(model.PredictProbabilities(test), string.Create(CultureInfo.InvariantCulture, $"L2 {l2:G2}"));
    }

    /// <summary>Inner folds: 3, or fewer when the smallest class has fewer rows.</summary>
    private static int Folds(IReadOnlyList<int> y) => Math.Max(2, Math.Min(SelectionFolds, y.GroupBy(c => c).Min(g => g.Count())));
}
