using LabelFree.Data.Ehr;
using LabelFree.TestKit;

namespace LabelFree.Data.Tests.Ehr;

[Trait(Category.Name, Category.Slow)]
public class BundledCohortTests
{
    private static readonly string[] Converted = ["nafld_events.csv.gz", "nafld_patients.csv.gz", "dmlate_events.csv.gz", "dmlate_patients.csv.gz"];

    [Fact]
    public void The_converter_script_writes_the_bundled_long_format_files_byte_for_byte()
    {
        using var folder = new TempFolder();
        foreach (var original in new[] { "nafld1.csv.gz", "nafld2.csv.gz", "nafld3.csv.gz", "dmlate_epi.csv.gz" })
            File.Copy(RepoData.File($"ehr/{original}"), folder[original]);
        var script = File.ReadAllText(Path.Combine(RepoData.RepositoryRoot, "data", "derive", "ehr_long_format.py"));
        var lines = DebianPython.Run("python3", "import sys\nsys.argv = ['ehr_long_format.py', sys.argv[1]]\n" + script.Replace("if __name__ == \"__main__\":", "if True:"), folder.Path);
        Assert.Equal(["nafld: 17549 patients, 277519 events (1988 duplicates dropped)", "dmlate: 10000 patients, 17288 events"], lines);
        foreach (var file in Converted) Assert.Equal(File.ReadAllBytes(RepoData.File($"ehr/{file}")), File.ReadAllBytes(folder[file]));
    }

    [Fact]
    public void Both_bundled_cohorts_read_in_the_long_format()
    {
        var nafld = EhrReader.Read(RepoData.File("ehr/nafld_events.csv.gz"), RepoData.File("ehr/nafld_patients.csv.gz"));
        Assert.Equal((EhrTimeScale.Days, 17_549, 277_519), (nafld.Scale, nafld.Patients.Count, nafld.EventCount));
        Assert.Equal(1_364, nafld.Patients.Count(p => p.Died));
        Assert.Contains("heart_failure", nafld.Codes);
        var dmlate = EhrReader.Read(RepoData.File("ehr/dmlate_events.csv.gz"), RepoData.File("ehr/dmlate_patients.csv.gz"));
        Assert.Equal((EhrTimeScale.Years, 10_000, 17_288), (dmlate.Scale, dmlate.Patients.Count, dmlate.EventCount));
        Assert.Equal(["dm", "oad", "ins"], dmlate.Codes);
        // Everyone's diabetes diagnosis comes after birth and no later than exit.
        var dm = dmlate.CodeIndex["dm"];
        Assert.All(Enumerable.Range(0, dmlate.Patients.Count), p =>
            Assert.InRange(dmlate.FirstDay(p, dm)!.Value, dmlate.Patients[p].BirthDay, dmlate.Patients[p].EndDay));
    }
}
