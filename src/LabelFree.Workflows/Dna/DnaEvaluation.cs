using System.Globalization;
using System.Text;
using LabelFree.Analysis.Classification;
using LabelFree.Analysis.Metrics;
using LabelFree.Core.Errors;
using LabelFree.Core.IO;

namespace LabelFree.Workflows.Dna;

/// <summary>
/// Labelled sequences to evaluate a classifier on: a training table, and either a separate test table or stratified
/// <paramref name="Folds"/>-fold cross-validation of the training table (0 folds and no test table: no evaluation).
/// </summary>
public sealed record DnaEvaluationData(string Train, string? Test = null, int Folds = 5, DnaTableColumns? Columns = null)
{
    public DnaTableColumns TableColumns => Columns ?? new DnaTableColumns();
}

/// <summary>metrics.json of a DNA classification: every method on the same held-out rows (a test table, or the out-of-fold rows of cross-validation).</summary>
public sealed record DnaClassificationMetrics(string Protocol, int TrainSequences, int EvaluatedSequences, IReadOnlyList<string> Classes,
    IReadOnlyDictionary<string, ClassificationScores> Scores, IReadOnlyDictionary<string, string> Choices);

/// <summary>One evaluation split: rows (indices into <see cref="DnaEvaluationTables.All"/>) to train on and to score.</summary>
public sealed record DnaSplit(int Fold, int[] Train, int[] Test);

/// <summary>The tables of a classification evaluation, read and checked, with their splits.</summary>
public sealed record DnaEvaluationTables(DnaInput TrainTable, DnaInput? TestTable, IReadOnlyList<string> Classes, int[] Codes, IReadOnlyList<DnaSplit> Splits, string Protocol)
{
    /// <summary>The training rows, then the test rows.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> All => [.. TrainTable.Bases, .. TestTable?.Bases ?? []];

    public IReadOnlyList<string> Ids => [.. TrainTable.Ids, .. TestTable?.Ids ?? []];

    /// <summary>Every row that some split scores, in order.</summary>
    public int[] Evaluated => Splits.SelectMany(s => s.Test).Order().ToArray();

    /// <summary>
    /// Reads the tables (labels required); classes are the training table's labels in ordinal order, or
    /// <paramref name="classes"/> when given (a fine-tuned model's). With a test table there is one split; otherwise
    /// stratified folds from the stream <c>Rng.For(seed, "stratified-folds")</c>.
    /// </summary>
    public static DnaEvaluationTables Read(DnaEvaluationData data, long seed, IReadOnlyList<string>? classes = null)
    {
        if (data.Test is null && data.Folds is 1 or < 0) throw new SettingException("folds", $"expected at least 2 folds, got {data.Folds}");
        var train = DnaInput.Read(data.Train, data.TableColumns, needLabels: true);
        var test = data.Test is null ? null : DnaInput.Read(data.Test, data.TableColumns, needLabels: true);
        classes ??= train.Labels!.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        if (classes.Count < 2) throw new UserInputException($"{data.Train}: one class ('{classes[0]}'); classification needs at least 2");
        var codes = train.ClassCodes(classes).Concat(test?.ClassCodes(classes) ?? []).ToArray();
        var n = train.Records.Count;
        if (test is not null)
            return new DnaEvaluationTables(train, test, classes, codes, [new DnaSplit(0, Enumerable.Range(0, n).ToArray(), Enumerable.Range(n, test.Records.Count).ToArray())],
                $"trained on {data.Train}, scored on {data.Test}");
        if (data.Folds == 0) return new DnaEvaluationTables(train, null, classes, codes, [], "no evaluation");
        var smallest = codes.GroupBy(c => c).Min(g => g.Count());
        if (smallest < data.Folds) throw new UserInputException($"{data.Train}: the smallest class has {smallest} rows, too few for {data.Folds}-fold cross-validation");
        var fold = StratifiedFolds.Assign(codes, data.Folds, seed);
        var splits = Enumerable.Range(0, data.Folds).Select(k =>
            new DnaSplit(k, Enumerable.Range(0, n).Where(i => fold[i] != k).ToArray(), Enumerable.Range(0, n).Where(i => fold[i] == k).ToArray())).ToArray();
        return new DnaEvaluationTables(train, null, classes, codes, splits, $"{data.Folds}-fold stratified cross-validation of {data.Train}");
    }

    /// <summary>Scores of each method's probabilities (rows aligned with <see cref="All"/>; only evaluated rows are read).</summary>
    public DnaClassificationMetrics Score(IReadOnlyDictionary<string, double[,]> predictions, IReadOnlyDictionary<string, string> choices)
    {
        var evaluated = Evaluated;
        var truth = evaluated.Select(i => Codes[i]).ToArray();
        var scores = predictions.ToDictionary(p => p.Key, p => ClassificationMetrics.Score(Rows(p.Value, evaluated), truth));
        return new DnaClassificationMetrics(Protocol, TrainTable.Records.Count, evaluated.Length, Classes, scores, choices);
    }

    /// <summary>predictions.tsv: id, fold, label, then for each method its predicted class and one probability column per class.</summary>
    public void WritePredictions(string path, IReadOnlyDictionary<string, double[,]> predictions)
    {
        var ids = Ids;
        var foldOf = Splits.SelectMany(s => s.Test.Select(i => (i, s.Fold))).ToDictionary(p => p.i, p => p.Fold);
        var text = new StringBuilder("id\tfold\tlabel");
        foreach (var method in predictions.Keys)
            text.Append($"\t{method}_predicted").Append(string.Concat(Classes.Select(c => $"\t{method}_p_{c}")));
        text.Append('\n');
        foreach (var i in Evaluated)
        {
            text.Append(CultureInfo.InvariantCulture, $"{ids[i]}\t{foldOf[i]}\t{Classes[Codes[i]]}");
            foreach (var p in predictions.Values)
            {
                var best = Enumerable.Range(0, Classes.Count).MaxBy(c => p[i, c]);
                text.Append('\t').Append(Classes[best]);
                for (var c = 0; c < Classes.Count; c++) text.Append(CultureInfo.InvariantCulture, $"\t{p[i, c]:G6}");
            }
            text.Append('\n');
        }
        AtomicFile.WriteAllText(path, text.ToString());
    }

    /// <summary>Copies a split's test-row probabilities into the rows of <paramref name="target"/> (rows aligned with <see cref="All"/>).</summary>
    public static void Place(double[,] target, DnaSplit split, double[,] testProbabilities)
    {
        for (var r = 0; r < split.Test.Length; r++)
            for (var c = 0; c < target.GetLength(1); c++) target[split.Test[r], c] = testProbabilities[r, c];
    }

    private static double[,] Rows(double[,] values, int[] rows)
    {
        var result = new double[rows.Length, values.GetLength(1)];
        for (var r = 0; r < rows.Length; r++)
            for (var c = 0; c < values.GetLength(1); c++) result[r, c] = values[rows[r], c];
        return result;
    }
}
