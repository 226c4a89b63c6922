using LabelFree.Core.Randomness;
using LabelFree.Data.Ehr;

namespace LabelFree.Workflows.Ehr;

/// <summary>One prediction to make: a patient, the last day of history the model may see, and the 0/1 target of each label.</summary>
public sealed record TaskExample(int Patient, int LastDay, float[] Target);

/// <summary>The examples of BEHRT's two fine-tuning tasks.</summary>
public static class TaskExamples
{
    /// <summary>
    /// A named outcome within a horizon after the landmark: patients at risk at their landmark whose binary label is
    /// known (followed for the whole horizon, or with the outcome within it); the history ends on the landmark's day.
    /// </summary>
    public static List<TaskExample> Outcome(EhrCohort cohort, IEnumerable<int> patients, Landmark landmark, OutcomeDefinition outcome)
    {
        var examples = new List<TaskExample>();
        foreach (var p in patients)
        {
            if (landmark.DayOf(cohort, p) is not { } day) continue;
            var status = outcome.Status(cohort, p, day);
            if (status is { AtRisk: true, WithinHorizon: { } within }) examples.Add(new TaskExample(p, day, [within ? 1 : 0]));
        }
        return examples;
    }

    /// <summary>
    /// BEHRT's next-visit task: for each patient with a visit followed by one holding any of <paramref name="labels"/>,
    /// one such visit drawn by a seeded stream of (seed, patient id); the history ends with that visit and the target
    /// is the set of label codes in the visit after it.
    /// </summary>
    public static List<TaskExample> NextVisit(EhrCohort cohort, IEnumerable<int> patients, IReadOnlyList<string> labels, long seed)
    {
        var column = labels.Select((l, i) => (l, i)).Where(p => cohort.Code(p.l) is not null).ToDictionary(p => cohort.Code(p.l)!.Value, p => p.i);
        var examples = new List<TaskExample>();
        foreach (var p in patients)
        {
            var days = new List<int>();
            var targets = new List<HashSet<int>>();
            foreach (var e in cohort.EventsOf(p))
            {
                if (days.Count == 0 || days[^1] != e.Day)
                {
                    days.Add(e.Day);
                    targets.Add([]);
                }
                if (column.TryGetValue(e.Code, out var l)) targets[^1].Add(l);
            }
            var candidates = Enumerable.Range(0, Math.Max(0, days.Count - 1)).Where(v => targets[v + 1].Count > 0).ToArray();
            if (candidates.Length == 0) continue;
            var chosen = candidates[Rng.For(seed, "next-visit/" + cohort.Patients[p].Id).NextInt(candidates.Length)];
            var target = new float[labels.Count];
            foreach (var l in targets[chosen + 1]) target[l] = 1;
            examples.Add(new TaskExample(p, days[chosen], target));
        }
        return examples;
    }

    /// <summary>The codes a next-visit model predicts: codes of the vocabulary that are events without values (diagnoses, not binned measurements).</summary>
    public static string[] NextVisitLabels(EhrVocabulary vocabulary, EhrCohort cohort)
    {
        var binned = vocabulary.Bins.Select(b => b.Code).ToHashSet(StringComparer.Ordinal);
        return vocabulary.Tokens.Skip(EhrVocabulary.SpecialTokens.Length)
            .Where(t => cohort.Code(t) is not null && !binned.Contains(t)).ToArray();
    }
}
