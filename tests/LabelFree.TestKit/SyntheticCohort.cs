using System.Globalization;
using System.Text;
using LabelFree.Core.Randomness;

namespace LabelFree.TestKit;

/// <summary>
/// A small made-up cohort in LabelFree's long format with dates (events.csv, patients.csv): visits from 2005 to 2014
/// with codes I10 (hypertension), E11 (diabetes), J45, K21, M54 and values of hba1c and sbp that follow them; after the
/// landmark 2015-01-01, heart failure (I50) within 3 years is likelier with diabetes, hypertension and age, and a few
/// patients die. Seeded, so every test sees the same cohort.
/// </summary>
public static class SyntheticCohort
{
    public const string Landmark = "2015-01-01";
    public const string Outcome = "I50";

    public static (string Events, string Patients) Write(string folder, int patients = 300, long seed = 1)
    {
        var rng = Rng.For(seed, "synthetic-cohort");
        var events = new StringBuilder("patient,date,code,value\n");
        var table = new StringBuilder("patient,sex,birth,end,death\n");
        var start = new DateOnly(2005, 1, 1);
        var landmark = DateOnly.Parse(Landmark, CultureInfo.InvariantCulture);
        for (var i = 0; i < patients; i++)
        {
            var id = $"p{i}";
            var birth = new DateOnly(1930 + rng.NextInt(50), 1 + rng.NextInt(12), 1 + rng.NextInt(28));
            var (diabetic, hypertensive) = (rng.NextDouble() < 0.3, rng.NextDouble() < 0.4);
            var visits = 3 + rng.NextInt(6);
            for (var v = 0; v < visits; v++)
            {
                var day = start.AddDays(rng.NextInt(3650));
                void Add(string code, double? value = null) =>
                    events.Append(CultureInfo.InvariantCulture, $"{id},{day:yyyy-MM-dd},{code},{(value is { } x ? x.ToString("F1", CultureInfo.InvariantCulture) : "")}\n");
                if (diabetic && rng.NextDouble() < 0.6) Add("E11");
                if (hypertensive && rng.NextDouble() < 0.6) Add("I10");
                if (rng.NextDouble() < 0.2) Add(rng.NextDouble() < 0.5 ? "J45" : rng.NextDouble() < 0.5 ? "K21" : "M54");
                Add("hba1c", 5.5 + (diabetic ? 1.8 : 0) + 0.4 * rng.NextGaussian());
                if (rng.NextDouble() < 0.7) Add("sbp", 125 + (hypertensive ? 20 : 0) + 8 * rng.NextGaussian());
            }
            var age = (landmark.DayNumber - birth.DayNumber) / 365.25;
            var risk = 1 / (1 + Math.Exp(-(-2.5 + 2.5 * (diabetic ? 1 : 0) + 1.5 * (hypertensive ? 1 : 0) + 0.05 * (age - 60))));
            var end = rng.NextDouble() < 0.1 ? landmark.AddDays(200 + rng.NextInt(800)) : new DateOnly(2019, 12, 31);
            if (rng.NextDouble() < risk)
            {
                var onset = landmark.AddDays(30 + rng.NextInt(3 * 365 - 30));
                if (onset < end) events.Append(CultureInfo.InvariantCulture, $"{id},{onset:yyyy-MM-dd},{Outcome},\n");
            }
            if (rng.NextDouble() < 0.5) events.Append(CultureInfo.InvariantCulture, $"{id},{landmark.AddDays(100 + rng.NextInt(1000)):yyyy-MM-dd},hba1c,{(diabetic ? 7.2 : 5.6).ToString("F1", CultureInfo.InvariantCulture)}\n");
            var died = rng.NextDouble() < 0.05 + 0.1 * risk;
            table.Append(CultureInfo.InvariantCulture, $"{id},{(rng.NextDouble() < 0.5 ? "F" : "M")},{birth:yyyy-MM-dd},{end:yyyy-MM-dd},{(died ? 1 : 0)}\n");
        }
        Directory.CreateDirectory(folder);
        var (eventsPath, patientsPath) = (Path.Combine(folder, "events.csv"), Path.Combine(folder, "patients.csv"));
        File.WriteAllText(eventsPath, events.ToString());
        File.WriteAllText(patientsPath, table.ToString());
        return (eventsPath, patientsPath);
    }
}
