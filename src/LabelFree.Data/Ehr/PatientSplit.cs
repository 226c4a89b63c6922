using LabelFree.Core.Randomness;

namespace LabelFree.Data.Ehr;

public enum SplitPart
{
    Train,
    Validation,
    Test,
}

/// <summary>
/// The seeded 70/10/20 split of patients into training, validation and test. Each patient's part is drawn from a
/// stream of (seed, patient id) alone, so it does not depend on the order or the other rows of the files: pre-training
/// and fine-tuning with the same seed hold out the same test patients, and a patient keeps its part when others are added.
/// </summary>
public static class PatientSplit
{
    public const double TrainFraction = 0.7;
    public const double ValidationFraction = 0.1;

    public static SplitPart Of(string patientId, long seed)
    {
        var u = Rng.For(seed, "ehr-split/" + patientId).NextDouble();
        return u < TrainFraction ? SplitPart.Train : u < TrainFraction + ValidationFraction ? SplitPart.Validation : SplitPart.Test;
    }

    /// <summary>The indices of the cohort's patients in each part, in cohort order.</summary>
    public static IReadOnlyDictionary<SplitPart, int[]> Assign(EhrCohort cohort, long seed)
    {
        var parts = cohort.Patients.Select(p => Of(p.Id, seed)).ToArray();
        return Enum.GetValues<SplitPart>().ToDictionary(part => part, part => Enumerable.Range(0, parts.Length).Where(i => parts[i] == part).ToArray());
    }
}
