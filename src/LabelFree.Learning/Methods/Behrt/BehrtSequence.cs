using LabelFree.Data.Ehr;

namespace LabelFree.Learning.Methods.Behrt;

/// <summary>
/// One patient as BEHRT reads it, four ids per token: the token, the age in months (+1; 0 is padding), the segment
/// (0 and 1 alternating per visit) and the position (the visit's number).
/// </summary>
public sealed record BehrtSequence(int[] Tokens, int[] Ages, int[] Segments, int[] Positions)
{
    public int Length => Tokens.Length;

    /// <summary>
    /// BEHRT's sentence of a patient's events on or before <paramref name="lastDay"/>: <c>[CLS] sex v1 [SEP] v2 [SEP]
    /// ...</c>, where each visit (the events of one day) is its tokens followed by [SEP]; the most recent visits that
    /// fit in <paramref name="maxLength"/> tokens are kept (if the last visit alone does not fit, its last tokens). [CLS]
    /// and the sex token share the first kept visit's age, segment 0 and position 0; a visit's [SEP] its visit's.
    /// Without any event, the sentence is <c>[CLS] sex</c> at the age on <paramref name="lastDay"/> (or at the end of follow-up).
    /// </summary>
    public static BehrtSequence Build(EhrCohort cohort, EhrTokens tokens, int patient, int lastDay, int maxLength, int maxAgeMonths)
    {
        if (maxLength < 3) throw new ArgumentOutOfRangeException(nameof(maxLength), "BEHRT needs room for [CLS], sex and one visit");
        var visits = new List<(int Day, List<int> Tokens)>();
        foreach (var e in cohort.EventsOf(patient))
        {
            if (e.Day > lastDay) break;
            if (visits.Count == 0 || visits[^1].Day != e.Day) visits.Add((e.Day, []));
            visits[^1].Tokens.Add(tokens.Of(e));
        }
        var budget = maxLength - 2;
        var first = visits.Count;
        while (first > 0 && visits[first - 1].Tokens.Count + 1 <= budget)
        {
            budget -= visits[first - 1].Tokens.Count + 1;
            first--;
        }
        if (first == visits.Count && visits.Count > 0)
        {
            var last = visits[^1];
            visits[^1] = (last.Day, last.Tokens[^(budget - 1)..]);
            first = visits.Count - 1;
        }

        var birth = cohort.Patients[patient].BirthDay;
        int Age(int day) => Math.Min(EhrTime.Months(day - birth), maxAgeMonths) + 1;
        var startAge = first < visits.Count ? Age(visits[first].Day) : Age(Math.Min(lastDay, cohort.Patients[patient].EndDay));
        var (ids, ages, segments, positions) = (new List<int> { EhrVocabulary.Cls, tokens.Sex(patient) }, new List<int> { startAge, startAge }, new List<int> { 0, 0 }, new List<int> { 0, 0 });
        for (var v = first; v < visits.Count; v++)
        {
            var (age, segment, position) = (Age(visits[v].Day), (v - first) % 2, v - first);
            foreach (var token in visits[v].Tokens.Append(EhrVocabulary.Sep))
            {
                ids.Add(token);
                ages.Add(age);
                segments.Add(segment);
                positions.Add(position);
            }
        }
        return new BehrtSequence([.. ids], [.. ages], [.. segments], [.. positions]);
    }
}
