using LabelFree.Core.Errors;
using LabelFree.Core.Models;

namespace LabelFree.Data.Ehr;

/// <summary>
/// The moment a prediction is made: one day on the cohort's axis for everyone (<see cref="Day"/>), or each patient's
/// first event of <see cref="Code"/>. History up to and including the landmark's day is what a model may see.
/// </summary>
public sealed record Landmark(int? Day = null, string? Code = null)
{
    /// <summary>A time on the cohort's scale (0, 2005-01-01, 2005.0), else a code of the cohort.</summary>
    public static Landmark Parse(string text, EhrCohort cohort)
    {
        if (EhrTime.TryParse(text, cohort.Scale, out var day)) return new Landmark(Day: day);
        if (cohort.Code(text) is not null) return new Landmark(Code: text);
        throw new SettingException("landmark", $"'{text}' is neither a time in {EhrTime.ColumnOf(cohort.Scale)} nor a code of {cohort.EventsPath}");
    }

    /// <summary>The patient's landmark day, or null when the patient has no event of the landmark code.</summary>
    public int? DayOf(EhrCohort cohort, int patient) => Day ?? cohort.FirstDay(patient, cohort.Code(Code!) ?? -1);

    public override string ToString() => Day is { } d ? $"day {d}" : $"first {Code}";
}

/// <summary>What happened to a patient after the landmark.</summary>
/// <param name="AtRisk">Alive, followed beyond the landmark and free of the outcome up to it.</param>
/// <param name="Days">Days from the landmark to the outcome (<paramref name="Event"/>) or to the end of follow-up.</param>
/// <param name="WithinHorizon">Whether the outcome came within the horizon; null when follow-up ended before the horizon without it.</param>
public readonly record struct OutcomeStatus(bool AtRisk, int Days, bool Event, bool? WithinHorizon);

/// <summary>
/// A named outcome: the first event of any of <see cref="Codes"/>, or death (from the patients table) when
/// <see cref="Death"/>, within <see cref="HorizonDays"/> after the landmark. Patients with one of the codes at or
/// before the landmark are not at risk (prevalent cases); patients whose follow-up ends before the horizon without the
/// outcome have no binary label (they still count, censored, in survival curves).
/// </summary>
public sealed record OutcomeDefinition(EquatableArray<string> Codes, bool Death, int HorizonDays)
{
    public const string DeathName = "death";

    /// <summary>A comma-separated list of codes; <c>death</c> means death in the patients table.</summary>
    public static OutcomeDefinition Parse(string text, int horizonDays, EhrCohort cohort)
    {
        if (horizonDays < 1) throw new SettingException("horizon_days", $"expected a positive number of days, got {horizonDays}");
        var names = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (names.Length == 0) throw new SettingException("outcome", "expected one or more codes (or death), got none");
        var unknown = names.Where(n => n != DeathName && cohort.Code(n) is null).ToList();
        if (unknown.Count > 0) throw new SettingException("outcome", $"no event of {cohort.EventsPath} has the code {string.Join(", ", unknown.Select(u => $"'{u}'"))}");
        return new OutcomeDefinition(names.Where(n => n != DeathName).ToArray(), names.Contains(DeathName), horizonDays);
    }

    public override string ToString() => string.Join(" or ", Codes.Concat(Death ? [DeathName] : []));

    public OutcomeStatus Status(EhrCohort cohort, int patient, int landmarkDay)
    {
        var person = cohort.Patients[patient];
        var codes = Codes.Select(c => cohort.Code(c) ?? -1).ToHashSet();
        int? first = null;
        foreach (var e in cohort.EventsOf(patient))
        {
            if (!codes.Contains(e.Code)) continue;
            if (e.Day <= landmarkDay) return new OutcomeStatus(false, 0, false, null);
            first = e.Day;
            break;
        }
        if (Death && person.Died && (first is null || person.EndDay < first)) first = person.EndDay;
        if (person.EndDay <= landmarkDay || person.BirthDay > landmarkDay) return new OutcomeStatus(false, 0, false, null);
        if (first is { } day) return new OutcomeStatus(true, day - landmarkDay, true, day - landmarkDay <= HorizonDays);
        var followed = person.EndDay - landmarkDay;
        return new OutcomeStatus(true, followed, false, followed >= HorizonDays ? false : null);
    }
}
