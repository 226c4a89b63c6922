using LabelFree.Analysis.Classification;
using LabelFree.Data.Ehr;

namespace LabelFree.Workflows.Ehr;

/// <summary>
/// The baseline every BEHRT prediction is printed beside: L2-penalised logistic regression (one per label) on
/// log(1 + count) of each vocabulary token in the visible history (codes, value bins, the sex token) plus the age at
/// the prediction, columns scaled by their standard deviation on the training patients. The penalty is chosen from
/// <see cref="Penalties"/> by the validation patients' log-loss.
/// </summary>
public sealed class CodeCountBaseline
{
    public static readonly double[] Penalties = [1e-1, 1e-2, 1e-3, 1e-4];

    private readonly SparseLogisticModel[] _models;
    private readonly double[] _scale;
    private readonly double _ageMean;
    private readonly EhrTokens _tokens;

    private CodeCountBaseline(EhrTokens tokens, double[] scale, double ageMean, SparseLogisticModel[] models, double[] penalties)
    {
        _tokens = tokens;
        _scale = scale;
        _ageMean = ageMean;
        _models = models;
        ChosenPenalties = penalties;
    }

    /// <summary>The penalty chosen for each label.</summary>
    public IReadOnlyList<double> ChosenPenalties { get; }

    public static CodeCountBaseline Fit(EhrCohort cohort, EhrTokens tokens, IReadOnlyList<TaskExample> train, IReadOnlyList<TaskExample> validation)
    {
        var columns = tokens.Vocabulary.Size + 1;
        var raw = train.Select(e => Counts(cohort, tokens, e)).ToList();
        var ageMean = raw.Average(r => r[^1].Value);
        var sums = new double[columns];
        var squares = new double[columns];
        foreach (var row in raw)
            foreach (var (c, v) in row)
            {
                var centred = c == columns - 1 ? v - ageMean : v;
                sums[c] += centred;
                squares[c] += centred * centred;
            }
        var n = Math.Max(1, raw.Count);
        var scale = Enumerable.Range(0, columns).Select(c => Math.Sqrt(Math.Max(squares[c] / n - sums[c] / n * (sums[c] / n), 0)) is var sd && sd > 1e-9 ? 1 / sd : 0).ToArray();
        var x = Design(raw, scale, ageMean, columns);
        var xValidation = Design(validation.Select(e => Counts(cohort, tokens, e)).ToList(), scale, ageMean, columns);
        var labels = train[0].Target.Length;
        var models = new SparseLogisticModel[labels];
        var chosen = new double[labels];
        for (var l = 0; l < labels; l++)
        {
            var y = train.Select(e => e.Target[l] > 0.5f).ToArray();
            var yValidation = validation.Select(e => e.Target[l] > 0.5f).ToArray();
            var best = double.PositiveInfinity;
            foreach (var penalty in Penalties)
            {
                var model = SparseLogisticRegression.Fit(x, y, penalty);
                var loss = validation.Count == 0 ? 0 : LogLoss(model.Predict(xValidation), yValidation);
                if (loss < best || models[l] is null)
                {
                    (best, models[l], chosen[l]) = (loss, model, penalty);
                }
                if (validation.Count == 0) break;
            }
        }
        return new CodeCountBaseline(tokens, scale, ageMean, models, chosen);
    }

    /// <summary>Each example's probability of each label: (examples, labels).</summary>
    public float[,] Predict(EhrCohort cohort, IReadOnlyList<TaskExample> examples)
    {
        var x = Design(examples.Select(e => Counts(cohort, _tokens, e)).ToList(), _scale, _ageMean, _scale.Length);
        var result = new float[examples.Count, _models.Length];
        for (var l = 0; l < _models.Length; l++)
            for (var i = 0; i < examples.Count; i++) result[i, l] = (float)_models[l].Probability(x, i);
        return result;
    }

    /// <summary>The counts of each token in the visible history, the sex token, and the age in years last (unscaled).</summary>
    private static List<(int Column, float Value)> Counts(EhrCohort cohort, EhrTokens tokens, TaskExample example)
    {
        var counts = new Dictionary<int, int> { [tokens.Sex(example.Patient)] = 1 };
        foreach (var e in cohort.EventsOf(example.Patient))
        {
            if (e.Day > example.LastDay) break;
            var id = tokens.Of(e);
            counts[id] = counts.GetValueOrDefault(id) + 1;
        }
        var person = cohort.Patients[example.Patient];
        var at = Math.Min(example.LastDay, person.EndDay);
        var row = counts.OrderBy(c => c.Key).Select(c => (c.Key, (float)Math.Log(1 + c.Value))).ToList();
        row.Add((tokens.Vocabulary.Size, (float)((at - person.BirthDay) / EhrTime.DaysPerYear)));
        return row;
    }

    private static SparseRows Design(List<List<(int Column, float Value)>> rows, double[] scale, double ageMean, int columns) =>
        SparseRows.FromRows(columns, rows.Select(r => (IReadOnlyList<(int, float)>)r
            .Select(p => (p.Column, (float)((p.Column == columns - 1 ? p.Value - ageMean : p.Value) * scale[p.Column]))).ToList()).ToList());

    private static double LogLoss(float[] p, bool[] y)
    {
        var sum = 0.0;
        for (var i = 0; i < p.Length; i++) sum -= Math.Log(Math.Clamp(y[i] ? p[i] : 1 - p[i], 1e-12, 1));
        return sum / Math.Max(1, p.Length);
    }
}
