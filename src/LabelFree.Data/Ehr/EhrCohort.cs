namespace LabelFree.Data.Ehr;

/// <summary>One patient of a cohort. Days are on the cohort's axis (<see cref="EhrTime"/>).</summary>
/// <param name="BirthDay">The day of birth (for a <c>days</c> cohort, minus the age at time 0).</param>
/// <param name="EndDay">The end of follow-up: the patients table's <c>end</c>, else the day of the last event.</param>
/// <param name="Died">Whether the patient died on <paramref name="EndDay"/>.</param>
public sealed record EhrPatient(string Id, string Sex, int BirthDay, int EndDay, bool Died);

/// <summary>One event: its day, the index of its code in <see cref="EhrCohort.Codes"/>, and its numeric value or NaN.</summary>
public readonly record struct EhrEvent(int Day, int Code, float Value)
{
    public bool HasValue => !float.IsNaN(Value);
}

/// <summary>
/// A cohort in LabelFree's long format (src/LabelFree.Data/Ehr/README.md), read by <see cref="EhrReader"/>: patients, and
/// every patient's events sorted by day (events of one day in file order). Events are held as 12-byte structs and
/// codes and patient ids once each, so memory follows the number of events, not the size of the text.
/// </summary>
public sealed class EhrCohort
{
    private readonly EhrEvent[] _events;
    private readonly int[] _start;

    public EhrCohort(string eventsPath, string patientsPath, EhrTimeScale scale, IReadOnlyList<EhrPatient> patients,
        IReadOnlyList<string> codes, EhrEvent[] events, int[] start)
    {
        if (start.Length != patients.Count + 1 || start[^1] != events.Length) throw new ArgumentException("event offsets do not match the patients");
        EventsPath = eventsPath;
        PatientsPath = patientsPath;
        Scale = scale;
        Patients = patients;
        Codes = codes;
        _events = events;
        _start = start;
        CodeIndex = codes.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i, StringComparer.Ordinal);
    }

    public string EventsPath { get; }

    public string PatientsPath { get; }

    public EhrTimeScale Scale { get; }

    public IReadOnlyList<EhrPatient> Patients { get; }

    /// <summary>The distinct codes, in order of first appearance in the events file.</summary>
    public IReadOnlyList<string> Codes { get; }

    /// <summary>Each code's index in <see cref="Codes"/>.</summary>
    public IReadOnlyDictionary<string, int> CodeIndex { get; }

    public int EventCount => _events.Length;

    /// <summary>The events of patient <paramref name="patient"/> (an index into <see cref="Patients"/>), by day.</summary>
    public ReadOnlySpan<EhrEvent> EventsOf(int patient) => _events.AsSpan(_start[patient], _start[patient + 1] - _start[patient]);

    /// <summary>The day of the patient's first event of <paramref name="code"/>, or null.</summary>
    public int? FirstDay(int patient, int code)
    {
        foreach (var e in EventsOf(patient))
            if (e.Code == code) return e.Day;
        return null;
    }

    /// <summary>The code's index, or null when no event has it.</summary>
    public int? Code(string name) => CodeIndex.TryGetValue(name, out var i) ? i : null;
}
