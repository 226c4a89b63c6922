using LabelFree.Core.Randomness;

namespace LabelFree.Analysis.Classification;

/// <summary>Stratified k-fold cross-validation: each class's rows, in a seeded random order, dealt round-robin to the folds, so every fold has about the same class mix.</summary>
public static class StratifiedFolds
{
    /// <summary>The fold (0..folds-1) of each row, from the stream <c>Rng.For(seed, "stratified-folds")</c>.</summary>
    public static int[] Assign(IReadOnlyList<int> labels, int folds, long seed)
    {
        if (folds < 2) throw new ArgumentOutOfRangeException(nameof(folds), folds, "expected at least 2 folds");
        var rng = Rng.For(seed, "stratified-folds");
        var fold = new int[labels.Count];
        var next = 0;
        foreach (var group in Enumerable.Range(0, labels.Count).GroupBy(i => labels[i]).OrderBy(g => g.Key))
        {
            var rows = group.ToArray();
            rng.Shuffle<int>(rows);
            foreach (var row in rows) fold[row] = next++ % folds;
        }
        return fold;
    }
}
