using System.IO.Compression;
using LabelFree.Core.Errors;
using LabelFree.Data.Ehr;
using LabelFree.TestKit;

namespace LabelFree.Data.Tests.Ehr;

public class EhrReaderTests
{
    private static readonly string Events = Path.Combine(AppContext.BaseDirectory, "Fixtures", "ehr", "tiny_events.tsv");
    private static readonly string Patients = Path.Combine(AppContext.BaseDirectory, "Fixtures", "ehr", "tiny_patients.csv");

    private static int Day(string date) => DateOnly.Parse(date).DayNumber - new DateOnly(1970, 1, 1).DayNumber;

    [Fact]
    public void Reads_a_hand_written_cohort_with_dates_in_tsv_and_csv()
    {
        var cohort = EhrReader.Read(Events, Patients);

        Assert.Equal(EhrTimeScale.Date, cohort.Scale);
        Assert.Equal(["P1", "P2", "P3", "P4", "P5", "P6"], cohort.Patients.Select(p => p.Id));
        Assert.Equal(["E11", "hba1c", "I10", "I50", "J45"], cohort.Codes);
        Assert.Equal(12, cohort.EventCount);
        // P1's events sorted by day, ties in file order; the 2011 value written last in the file comes second.
        var p1 = cohort.EventsOf(0).ToArray();
        Assert.Equal([Day("2010-03-01"), Day("2010-03-01"), Day("2011-01-10"), Day("2012-06-15"), Day("2014-01-20")], p1.Select(e => e.Day));
        Assert.Equal(["E11", "hba1c", "hba1c", "I10", "I50"], p1.Select(e => cohort.Codes[e.Code]));
        Assert.Equal([float.NaN, 7.9f, 8.4f, float.NaN, float.NaN], p1.Select(e => e.Value));
        // A time after the date is ignored; NA is no value.
        Assert.Equal(Day("2009-12-31"), cohort.EventsOf(2)[1].Day);
        Assert.Equal(new EhrPatient("P1", "F", Day("1950-04-02"), Day("2014-03-01"), true), cohort.Patients[0]);
        // No end: the last event; empty or "no" death: alive; no events at all: no follow-up after birth.
        Assert.Equal(new EhrPatient("P4", "M", Day("1966-06-06"), Day("2013-07-07"), false), cohort.Patients[3]);
        Assert.False(cohort.Patients[5].Died);
        Assert.Equal(0, cohort.EventsOf(5).Length);
        Assert.Equal(Day("2014-01-20"), cohort.FirstDay(0, cohort.CodeIndex["I50"]));
    }

    [Fact]
    public void Reads_decimal_years_and_days_with_age_gzipped()
    {
        using var folder = new TempFolder();
        var events = Write(folder["e.csv.gz"], "patient,years,code\na,2000.5,dm\na,2003.25,ins\nb,1999.0,dm\n", gzip: true);
        var patients = Write(folder["p.csv"], "patient,sex,birth,end,death\na,F,1950.5,2005.0,1\nb,M,1940.0,2009.99,0\n");
        var cohort = EhrReader.Read(events, patients);
        Assert.Equal(EhrTimeScale.Years, cohort.Scale);
        Assert.Equal((int)Math.Floor(30.5 * 365.25), cohort.EventsOf(0)[0].Day);
        Assert.Equal(600, EhrTime.Months(cohort.EventsOf(0)[0].Day - cohort.Patients[0].BirthDay));  // 50 years

        var dayEvents = Write(folder["d.tsv"], "patient\tdays\tcode\tvalue\n1\t-30\tchol\t5.2\n1\t0\tnafld\t\n");
        var dayPatients = Write(folder["dp.tsv"], "patient\tsex\tage\tend\tdeath\n1\tF\t50\t400\t0\n");
        var byDays = EhrReader.Read(dayEvents, dayPatients);
        Assert.Equal(EhrTimeScale.Days, byDays.Scale);
        Assert.Equal(-EhrTime.YearsToDays(50), byDays.Patients[0].BirthDay);
        Assert.Equal([-30, 0], byDays.EventsOf(0).ToArray().Select(e => e.Day));
    }

    [Theory]
    [InlineData("patient,date,code\nP1,2010-01-01,E11\nPX,2010-01-01,E11\n", "e.csv:3: patient 'PX' is not in")]
    [InlineData("patient,date,code\nP1,2010-13-01,E11\n", "e.csv:2: '2010-13-01' is not a time in date (yyyy-mm-dd)")]
    [InlineData("patient,date,code,value\nP1,2010-01-01,chol,high\n", "e.csv:2: value 'high' is not a number")]
    [InlineData("patient,date,code\nP1,2010-01-01,\n", "e.csv:2: empty code")]
    [InlineData("patient,date,code\nP1,2010-01-01\n", "e.csv:2: 2 fields, the header has 3")]
    [InlineData("patient,date,days,code\nP1,2010-01-01,3,E11\n", "expected exactly one time column, days, date or years (found days and date)")]
    [InlineData("patient,when,code\nP1,2010-01-01,E11\n", "expected exactly one time column, days, date or years (found none)")]
    [InlineData("id,date,code\nP1,2010-01-01,E11\n", "e.csv: no column 'patient'")]
    public void A_bad_events_row_is_answered_with_file_line_and_reason(string events, string expected)
    {
        using var folder = new TempFolder();
        var patients = Write(folder["p.csv"], "patient,sex,birth\nP1,F,1950-01-01\n");
        var error = Assert.Throws<UserInputException>(() => EhrReader.Read(Write(folder["e.csv"], events), patients));
        Assert.Contains(expected, error.Message);
    }

    [Theory]
    [InlineData("patient,sex,birth\nP1,F,1950-01-01\nP1,M,1960-01-01\n", "p.csv:3: patient 'P1' appears twice")]
    [InlineData("patient,sex,birth,end,death\nP1,F,1950-01-01,,1\n", "p.csv:2: death is 1 but end (the day of death) is empty")]
    [InlineData("patient,sex,birth,death\nP1,F,1950-01-01,maybe\n", "p.csv:2: death 'maybe' is not 0 or 1")]
    [InlineData("patient,sex,age\nP1,F,50\n", "p.csv: expected a column 'birth' with the birth date, the events use date")]
    [InlineData("patient,sex,birth,end\nP1,F,1950-01-01,1940-01-01\n", "p.csv:2: end comes before birth")]
    [InlineData("patient,sex,birth\n", "p.csv: no patients after the header")]
    public void A_bad_patients_row_is_answered_with_file_line_and_reason(string patients, string expected)
    {
        using var folder = new TempFolder();
        var events = Write(folder["e.csv"], "patient,date,code\nP1,2010-01-01,E11\n");
        var error = Assert.Throws<UserInputException>(() => EhrReader.Read(events, Write(folder["p.csv"], patients)));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Bins_and_tokens_are_fitted_on_training_patients_only()
    {
        var cohort = EhrReader.Read(Events, Patients);
        // Training patients P1 and P3: hba1c values 6.1, 7.9 and 8.4 give the median edge 7.9; P2's 5.4 does not count.
        var vocabulary = EhrVocabulary.Fit(cohort, [0, 2], new EhrVocabularyOptions(Bins: 2, MinCount: 1));
        var bins = Assert.Single(vocabulary.Bins);
        Assert.Equal("hba1c", bins.Code);
        Assert.Equal([7.9], bins.Edges.Select(e => Math.Round(e, 4)));
        Assert.Equal([.. EhrVocabulary.SpecialTokens, "sex:F", "E11", "I10", "I50", "hba1c:q1", "hba1c:q2"], vocabulary.Tokens);

        var tokens = vocabulary.For(cohort);
        Assert.Equal(["E11", "hba1c:q1", "hba1c:q2", "I10", "I50"], cohort.EventsOf(0).ToArray().Select(e => vocabulary.Tokens[tokens.Of(e)]));
        // P2 (not in training): its sex and its J45 are unknown tokens; its low value falls in the first bin.
        Assert.Equal(EhrVocabulary.Unknown, tokens.Sex(1));
        Assert.Equal(["hba1c:q1", "[UNK]"], cohort.EventsOf(1).ToArray().Select(e => vocabulary.Tokens[tokens.Of(e)]));
        // With a minimum count of 2, tokens seen once become unknown.
        Assert.Equal([.. EhrVocabulary.SpecialTokens, "sex:F", "I10", "hba1c:q1"], EhrVocabulary.Fit(cohort, [0, 2], new EhrVocabularyOptions(Bins: 2, MinCount: 2)).Tokens);
    }

    [Fact]
    public void Quantile_edges_are_training_values_and_ties_collapse()
    {
        Assert.Equal([3.0, 5.0, 7.0], EhrVocabulary.QuantileEdges([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 4).ToArray());
        Assert.Equal([0.0, 1.0], EhrVocabulary.QuantileEdges([0, 0, 0, 0, 0, 0, 1, 1, 1, 1], 10).ToArray());
        var bins = new CodeBins("smoke", new[] { 0.0, 1.0 });
        Assert.Equal(["smoke:q1", "smoke:q2", "smoke:q3"], new[] { 0.0, 1.0, 2.0 }.Select(bins.Token));
    }

    [Fact]
    public void The_split_depends_on_the_seed_and_the_id_alone()
    {
        var ids = Enumerable.Range(0, 20_000).Select(i => $"patient{i}").ToArray();
        var parts = ids.Select(id => PatientSplit.Of(id, seed: 7)).ToArray();
        Assert.InRange(parts.Count(p => p == SplitPart.Train) / 20_000.0, 0.68, 0.72);
        Assert.InRange(parts.Count(p => p == SplitPart.Validation) / 20_000.0, 0.09, 0.11);
        Assert.InRange(parts.Count(p => p == SplitPart.Test) / 20_000.0, 0.19, 0.21);
        Assert.Equal(parts, ids.Select(id => PatientSplit.Of(id, seed: 7)));
        Assert.NotEqual(parts, ids.Select(id => PatientSplit.Of(id, seed: 8)));
    }

    [Fact]
    public void Outcomes_after_a_landmark_leave_out_prevalent_cases_and_short_follow_up()
    {
        var cohort = EhrReader.Read(Events, Patients);
        var landmark = Landmark.Parse("2012-01-01", cohort);
        var heartFailure = OutcomeDefinition.Parse("I50", 3 * 365, cohort);
        var status = Enumerable.Range(0, 6).Select(p => heartFailure.Status(cohort, p, landmark.DayOf(cohort, p)!.Value)).ToArray();
        Assert.Equal(new OutcomeStatus(true, Day("2014-01-20") - Day("2012-01-01"), true, true), status[0]);  // P1: heart failure 2 years after
        Assert.Equal(new OutcomeStatus(true, Day("2018-12-31") - Day("2012-01-01"), false, false), status[1]); // P2: followed 7 years without it
        Assert.Equal(new OutcomeStatus(true, Day("2013-07-07") - Day("2012-01-01"), false, null), status[3]);  // P4: followed to its last event, under 3 years
        Assert.Equal(new OutcomeStatus(true, Day("2018-12-31") - Day("2012-01-01"), false, false), status[5]); // P6: no events, followed to its end
        // Death comes from the patients table: P1 died on 2014-03-01.
        Assert.Equal(new OutcomeStatus(true, Day("2014-03-01") - Day("2014-01-01"), true, true), OutcomeDefinition.Parse("death", 365, cohort).Status(cohort, 0, Day("2014-01-01")));
        Assert.False(OutcomeDefinition.Parse("death", 365, cohort).Status(cohort, 0, Day("2014-03-01")).AtRisk);
        // The first heart failure on or before the landmark: prevalent, not at risk.
        Assert.False(heartFailure.Status(cohort, 0, Day("2014-01-20")).AtRisk);
        // A code landmark: each patient's first E11.
        var firstDiabetes = Landmark.Parse("E11", cohort);
        Assert.Equal([Day("2010-03-01"), null, null, Day("2013-07-07"), null, null], Enumerable.Range(0, 6).Select(p => firstDiabetes.DayOf(cohort, p)));
        Assert.Equal("outcome", Assert.Throws<SettingException>(() => OutcomeDefinition.Parse("I51", 10, cohort)).Setting);
        Assert.Equal("landmark", Assert.Throws<SettingException>(() => Landmark.Parse("yesterday", cohort)).Setting);
    }

    private static string Write(string path, string text, bool gzip = false)
    {
        if (!gzip)
        {
            File.WriteAllText(path, text);
            return path;
        }
        using var file = File.Create(path);
        using var zip = new GZipStream(file, CompressionLevel.Fastest);
        zip.Write(System.Text.Encoding.UTF8.GetBytes(text));
        return path;
    }
}
