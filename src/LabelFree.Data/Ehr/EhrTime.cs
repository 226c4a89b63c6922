using System.Globalization;

namespace LabelFree.Data.Ehr;

/// <summary>How an events table gives time: days since each patient's time 0, calendar dates, or decimal calendar years.</summary>
public enum EhrTimeScale
{
    /// <summary>A column <c>days</c>: days since each patient's time 0 (an index date), negative before it.</summary>
    Days,

    /// <summary>A column <c>date</c>: ISO dates, yyyy-mm-dd (a time after the date is ignored).</summary>
    Date,

    /// <summary>A column <c>years</c>: decimal calendar years (2004.5 is about 1 July 2004), as R's Epi package writes them.</summary>
    Years,
}

/// <summary>
/// Times of every scale as whole days on one axis: days since time 0 for <see cref="EhrTimeScale.Days"/>, days since
/// 1970-01-01 for dates and decimal years (a year is 365.25 days). Events on the same day form one visit.
/// </summary>
public static class EhrTime
{
    public const double DaysPerYear = 365.25;
    private static readonly int Epoch = new DateOnly(1970, 1, 1).DayNumber;

    /// <summary>The column name of each scale in the events table.</summary>
    public static string ColumnOf(EhrTimeScale scale) => scale switch
    {
        EhrTimeScale.Days => "days",
        EhrTimeScale.Date => "date",
        _ => "years",
    };

    /// <summary>Parses a time of <paramref name="scale"/> into a day on the common axis; false when it is not one.</summary>
    public static bool TryParse(string text, EhrTimeScale scale, out int day)
    {
        day = 0;
        text = text.Trim();
        if (scale == EhrTimeScale.Date)
        {
            var datePart = text.Length > 10 && (text[10] == 'T' || text[10] == ' ') ? text[..10] : text;
            if (!DateOnly.TryParseExact(datePart, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)) return false;
            day = date.DayNumber - Epoch;
            return true;
        }
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value)) return false;
        var days = scale == EhrTimeScale.Days ? value : (value - 1970) * DaysPerYear;
        if (Math.Abs(days) > 1e8) return false;
        day = (int)Math.Floor(days);
        return true;
    }

    /// <summary>An age in years as a number of days.</summary>
    public static int YearsToDays(double years) => (int)Math.Round(years * DaysPerYear);

    /// <summary>Whole months of an age given in days (a month is 365.25 / 12 days), never below 0.</summary>
    public static int Months(int ageDays) => Math.Max(0, (int)Math.Floor(ageDays / (DaysPerYear / 12)));
}
