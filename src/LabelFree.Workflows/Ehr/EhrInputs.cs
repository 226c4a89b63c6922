using LabelFree.Core.Errors;
using LabelFree.Core.Progress;
using LabelFree.Data.Ehr;

namespace LabelFree.Workflows.Ehr;

/// <summary>Reading a cohort for the BEHRT workflows, and the sentences and landmarks they share.</summary>
public static class EhrInputs
{
    public static EhrCohort Read(string events, string patients, IProgressReporter progress)
    {
        UserInputException.RequireFile(events, "events table");
        UserInputException.RequireFile(patients, "patients table");
        var cohort = EhrReader.Read(events, patients);
        progress.Info($"{events}: {cohort.EventCount:N0} events of {cohort.Codes.Count:N0} codes ({EhrTime.ColumnOf(cohort.Scale)}); {patients}: {cohort.Patients.Count:N0} patients");
        return cohort;
    }

    /// <summary>The landmark named by <paramref name="text"/>, or day 0 of a <c>days</c> cohort when none is given.</summary>
    public static Landmark LandmarkOf(string? text, EhrCohort cohort) => text is not null ? Landmark.Parse(text, cohort)
        : cohort.Scale == EhrTimeScale.Days ? new Landmark(Day: 0)
        : throw new SettingException("landmark", $"{cohort.EventsPath} gives {EhrTime.ColumnOf(cohort.Scale)}, so there is no day 0: name a landmark (a time on that scale, or a code)");

    /// <summary>The patients of one part of the seeded split, or all when <paramref name="part"/> is null.</summary>
    public static int[] Patients(EhrCohort cohort, long seed, SplitPart? part) => part is { } p
        ? PatientSplit.Assign(cohort, seed)[p]
        : Enumerable.Range(0, cohort.Patients.Count).ToArray();
}
