using System.Globalization;
using LabelFree.Core.Errors;
using LabelFree.Data.Tables;

namespace LabelFree.Data.Ehr;

/// <summary>
/// Reads a cohort in the long format (src/LabelFree.Data/Ehr/README.md): an events table (patient, one time column of
/// <c>days</c>, <c>date</c> or <c>years</c>, code, optional value) and a patients table (patient, sex, <c>age</c> at
/// time 0 or <c>birth</c>, optional <c>end</c> and <c>death</c>). CSV or TSV, gzipped or not. The first bad row stops
/// the read with "file:line: reason".
/// </summary>
public static class EhrReader
{
    private static readonly string[] Missing = ["", "NA", "NaN", "nan", ".", "null", "NULL"];

    public static EhrCohort Read(string eventsPath, string patientsPath)
    {
        using var events = DelimitedText.Open(eventsPath, "events table");
        var scale = ScaleOf(events);
        var patients = ReadPatients(patientsPath, scale);
        var index = new Dictionary<string, int>(patients.Count, StringComparer.Ordinal);
        for (var i = 0; i < patients.Count; i++) index[patients[i].Id] = i;

        var patientColumn = events.Require("patient", "the patient of each event");
        var timeColumn = events.Require(EhrTime.ColumnOf(scale), "the time of each event");
        var codeColumn = events.Require("code", "what happened: a diagnosis, a test, a drug");
        var valueColumn = events.Find("value");
        var codes = new List<string>();
        var codeIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var owner = new List<int>();
        var read = new List<EhrEvent>();
        while (events.Next(out var f))
        {
            var id = f[patientColumn];
            if (id.Length == 0) throw events.Error("empty patient");
            if (!index.TryGetValue(id, out var patient)) throw events.Error($"patient '{id}' is not in {patientsPath}");
            if (!EhrTime.TryParse(f[timeColumn], scale, out var day))
                throw events.Error($"'{f[timeColumn]}' is not a time in {EhrTime.ColumnOf(scale)}{(scale == EhrTimeScale.Date ? " (yyyy-mm-dd)" : "")}");
            var code = f[codeColumn];
            if (code.Length == 0) throw events.Error("empty code");
            if (!codeIndex.TryGetValue(code, out var c))
            {
                codeIndex[code] = c = codes.Count;
                codes.Add(code);
            }
            var value = valueColumn < 0 ? float.NaN : ParseValue(events, f[valueColumn]);
            owner.Add(patient);
            read.Add(new EhrEvent(day, c, value));
        }
        var (sorted, start) = SortByPatientAndDay(owner, read, patients.Count);
        var final = patients.Select((p, i) => p.EndDay != int.MinValue ? p
            : p with { EndDay = start[i + 1] > start[i] ? sorted[start[i + 1] - 1].Day : scale == EhrTimeScale.Days ? 0 : p.BirthDay }).ToList();
        return new EhrCohort(eventsPath, patientsPath, scale, final, codes, sorted, start);
    }

    private static EhrTimeScale ScaleOf(DelimitedText events)
    {
        var found = Enum.GetValues<EhrTimeScale>().Where(s => events.Find(EhrTime.ColumnOf(s)) >= 0).ToList();
        return found.Count == 1 ? found[0] : throw new UserInputException(
            $"{events.Path}: expected exactly one time column, days, date or years (found {(found.Count == 0 ? "none" : string.Join(" and ", found.Select(EhrTime.ColumnOf)))})");
    }

    private static List<EhrPatient> ReadPatients(string path, EhrTimeScale scale)
    {
        using var table = DelimitedText.Open(path, "patients table");
        var idColumn = table.Require("patient", "one row per patient");
        var sexColumn = table.Require("sex", "the patient's sex");
        var (ageColumn, birthColumn) = (table.Find("age"), table.Find("birth"));
        if (birthColumn < 0 && (scale != EhrTimeScale.Days || ageColumn < 0))
            throw new UserInputException(scale == EhrTimeScale.Days
                ? $"{path}: expected a column 'age' (years at time 0) or 'birth' (days since time 0) (columns: {string.Join(", ", table.Header)})"
                : $"{path}: expected a column 'birth' with the birth {(scale == EhrTimeScale.Date ? "date" : "as a decimal year")}, the events use {EhrTime.ColumnOf(scale)} (columns: {string.Join(", ", table.Header)})");
        var (endColumn, deathColumn) = (table.Find("end"), table.Find("death"));
        var patients = new List<EhrPatient>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (table.Next(out var f))
        {
            var id = f[idColumn];
            if (id.Length == 0) throw table.Error("empty patient");
            if (!seen.Add(id)) throw table.Error($"patient '{id}' appears twice");
            int birth;
            if (birthColumn >= 0)
            {
                if (!EhrTime.TryParse(f[birthColumn], scale, out birth)) throw table.Error($"birth '{f[birthColumn]}' is not a time in {EhrTime.ColumnOf(scale)}");
            }
            else
            {
                if (!double.TryParse(f[ageColumn], NumberStyles.Float, CultureInfo.InvariantCulture, out var age) || !(age is >= 0 and < 150))
                    throw table.Error($"age '{f[ageColumn]}' is not an age in years");
                birth = -EhrTime.YearsToDays(age);
            }
            var end = int.MinValue;
            if (endColumn >= 0 && !Missing.Contains(f[endColumn]) && !EhrTime.TryParse(f[endColumn], scale, out end))
                throw table.Error($"end '{f[endColumn]}' is not a time in {EhrTime.ColumnOf(scale)}");
            var died = deathColumn >= 0 && ParseFlag(table, f[deathColumn]);
            if (died && end == int.MinValue) throw table.Error("death is 1 but end (the day of death) is empty");
            if (end != int.MinValue && end < birth) throw table.Error("end comes before birth");
            var sex = f[sexColumn];
            patients.Add(new EhrPatient(id, sex.Length == 0 ? "unknown" : sex, birth, end, died));
        }
        return patients.Count > 0 ? patients : throw new UserInputException($"{path}: no patients after the header");
    }

    private static float ParseValue(DelimitedText table, string text)
    {
        if (Missing.Contains(text)) return float.NaN;
        return float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && float.IsFinite(v) ? v
            : throw table.Error($"value '{text}' is not a number");
    }

    private static bool ParseFlag(DelimitedText table, string text) => text.ToLowerInvariant() switch
    {
        "1" or "true" or "yes" or "dead" => true,
        "0" or "false" or "no" or "alive" or "" or "na" => false,
        _ => throw table.Error($"death '{text}' is not 0 or 1"),
    };

    /// <summary>Events grouped by patient (a stable counting sort), each patient's by day with ties in file order.</summary>
    private static (EhrEvent[] Events, int[] Start) SortByPatientAndDay(List<int> owner, List<EhrEvent> events, int patients)
    {
        var start = new int[patients + 1];
        foreach (var p in owner) start[p + 1]++;
        for (var p = 0; p < patients; p++) start[p + 1] += start[p];
        var next = start[..^1].ToArray();
        var sorted = new EhrEvent[events.Count];
        for (var i = 0; i < events.Count; i++) sorted[next[owner[i]]++] = events[i];
        for (var p = 0; p < patients; p++)
        {
            var count = start[p + 1] - start[p];
            if (count < 2) continue;
            var segment = sorted[start[p]..start[p + 1]];
            var keys = new long[count];
            for (var k = 0; k < count; k++) keys[k] = ((long)segment[k].Day << 32) + k;  // (day, file order)
            Array.Sort(keys, segment);
            segment.CopyTo(sorted, start[p]);
        }
        return (sorted, start);
    }
}
