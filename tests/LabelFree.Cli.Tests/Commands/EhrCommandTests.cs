using System.Text.Json;
using LabelFree.TestKit;

namespace LabelFree.Cli.Tests.Commands;

public class EhrCommandTests
{
    [Fact]
    public void Bad_inputs_are_one_line_and_exit_2_before_any_output()
    {
        using var folder = new TempFolder();
        var (events, patients) = SyntheticCohort.Write(folder["cohort"], patients: 20);
        File.WriteAllText(folder["bad_events.csv"], "patient,date,code\np1,2010-01-01,E11\np1,2010-02-30,I10\n");
        File.WriteAllText(folder["no_time.csv"], "patient,code\np1,E11\n");
        foreach (var (args, expected) in new (string[], string)[]
                 {
                     (["ehr", "pretrain", "--events", folder["missing.csv"], "--patients", patients, "--out", folder["run"]], "missing.csv: events table not found"),
                     (["ehr", "pretrain", "--events", folder["bad_events.csv"], "--patients", patients, "--out", folder["run"]], "bad_events.csv:3: '2010-02-30' is not a time in date"),
                     (["ehr", "pretrain", "--events", folder["no_time.csv"], "--patients", patients, "--out", folder["run"]], "expected exactly one time column"),
                     (["ehr", "pretrain", "--events", events, "--patients", patients, "--bins", "0", "--out", folder["run"]], "--bins: expected a positive number"),
                     (["ehr", "pretrain", "--events", events, "--patients", patients, "--size", "huge", "--out", folder["run"]], "--size: expected small or paper, got 'huge'"),
                     (["ehr", "finetune", "--model", folder["nomodel"], "--events", events, "--patients", patients, "--task", "outcome", "--outcome", "I50", "--out", folder["run"]], "nomodel: model folder not found"),
                     (["ehr", "finetune", "--model", folder["nomodel"], "--events", events, "--patients", patients, "--task", "survival", "--out", folder["run"]], "--task: expected next-visit or outcome, got 'survival'"),
                     (["ehr", "embed", "--model", folder["nomodel"], "--events", events, "--patients", patients, "--clusters", "1", "--out", folder["run"]], "--clusters: expected 2 to 20"),
                 })
            LabelFreeProcess.AssertBadInput(args, expected);
        Assert.False(Directory.Exists(folder["run"]));
    }

    /// <summary>Pre-training, both fine-tuning tasks and embedding on a made-up cohort with dates: every output, and the named errors that need a model.</summary>
    [Fact]
    [Trait(Category.Name, Category.Slow)]
    public void Pretrain_finetune_and_embed_a_cohort_with_dates()
    {
        using var folder = new TempFolder();
        var (events, patients) = SyntheticCohort.Write(folder["cohort"], patients: 400);
        string[] cohort = ["--events", events, "--patients", patients, "--threads", "1", "--seed", "2"];

        var pretrain = LabelFreeProcess.Run(["ehr", "pretrain", .. cohort, "--out", folder["pre"], "--steps", "30"]);
        Assert.True(pretrain.ExitCode == 0, pretrain.Error);
        Assert.Contains("pre-trained 30 steps", pretrain.Output);
        foreach (var file in new[] { "config.json", "metrics.jsonl", "summary.json", "model/config.json", "model/model.safetensors", "figures/loss.png" })
            Assert.True(File.Exists(Path.Combine(folder["pre"], file)), file);
        var model = Path.Combine(folder["pre"], "model");
        var weights = File.ReadAllBytes(Path.Combine(model, "model.safetensors"));
        var resumed = LabelFreeProcess.Run(["ehr", "pretrain", .. cohort, "--out", folder["pre"], "--steps", "30", "--resume"]);
        Assert.True(resumed.ExitCode == 0, resumed.Error);
        Assert.Contains("resumed from", resumed.Error);
        Assert.Equal(weights, File.ReadAllBytes(Path.Combine(model, "model.safetensors")));

        string[] task = ["ehr", "finetune", "--model", model, .. cohort, "--task", "outcome"];
        string[] outcome = [.. task, "--outcome", SyntheticCohort.Outcome, "--horizon-days", "1095", "--landmark", SyntheticCohort.Landmark, "--epochs", "3", "--bootstrap", "100"];
        var finetune = LabelFreeProcess.Run([.. outcome, "--out", folder["outcome"]]);
        Assert.True(finetune.ExitCode == 0, finetune.Error);
        foreach (var file in new[] { "config.json", "metrics.json", "predictions.tsv", "pretrained/model/model.safetensors", "scratch/model/model.safetensors",
                     "figures/calibration.png", "figures/loss_pretrained.png", "figures/loss_scratch.png" })
            Assert.True(File.Exists(Path.Combine(folder["outcome"], file)), file);
        using (var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder["outcome"], "metrics.json"))))
        {
            var models = metrics.RootElement.GetProperty("models").EnumerateArray().ToList();
            Assert.Equal(["behrt_pretrained", "behrt_scratch", "logistic_code_counts"], models.Select(m => m.GetProperty("model").GetString()));
            foreach (var m in models)
            {
                var auroc = m.GetProperty("auroc");
                Assert.InRange(auroc.GetProperty("value").GetDouble(), auroc.GetProperty("lower").GetDouble(), auroc.GetProperty("upper").GetDouble());
            }
            // The planted risk (diabetes, hypertension, age) is easy for the baseline.
            Assert.True(models[2].GetProperty("auroc").GetProperty("value").GetDouble() > 0.7, models[2].GetRawText());
            Assert.Equal(2, metrics.RootElement.GetProperty("split_seed").GetInt32());
        }
        var rows = File.ReadAllLines(Path.Combine(folder["outcome"], "predictions.tsv"));
        Assert.Equal("patient\tlabel\tbehrt_pretrained\tbehrt_scratch\tlogistic_code_counts", rows[0]);

        var nextVisit = LabelFreeProcess.Run(["ehr", "finetune", "--model", model, .. cohort, "--task", "next-visit", "--epochs", "1", "--bootstrap", "50", "--out", folder["next"]]);
        Assert.True(nextVisit.ExitCode == 0, nextVisit.Error);
        Assert.Contains("APS per patient", nextVisit.Output);

        var embed = LabelFreeProcess.Run(["ehr", "embed", "--model", model, .. cohort, "--landmark", SyntheticCohort.Landmark, "--outcome", $"{SyntheticCohort.Outcome},death",
            "--clusters", "3", "--out", folder["embed"]]);
        Assert.True(embed.ExitCode == 0, embed.Error);
        Assert.Contains("log-rank chi2", embed.Output);
        foreach (var file in new[] { "embeddings.tsv", "clusters.tsv", "subtype_codes.tsv", "survival.json", "figures/umap_kmeans.png", "figures/umap_leiden.png", "figures/survival_kmeans.png" })
            Assert.True(File.Exists(Path.Combine(folder["embed"], file)), file);
        Assert.StartsWith("patient\te1\t", File.ReadLines(Path.Combine(folder["embed"], "embeddings.tsv")).First());

        foreach (var (args, expected) in new (string[], string)[]
                 {
                     ([.. task, "--outcome", "I51", "--landmark", SyntheticCohort.Landmark, "--out", folder["bad"]], "--outcome: no event of"),
                     ([.. task, "--outcome", SyntheticCohort.Outcome, "--landmark", "soon", "--out", folder["bad"]], "--landmark: 'soon' is neither a time in date nor a code"),
                     ([.. task, "--out", folder["bad"]], "--outcome: the outcome task needs"),
                 })
        {
            var result = LabelFreeProcess.Run(args);
            Assert.True(result.ExitCode == 2, $"{string.Join(' ', args)}: exit {result.ExitCode}, {result.Error}");
            Assert.Contains(expected, result.Error);
        }
        Assert.False(Directory.Exists(folder["bad"]));
    }

    /// <summary>The long format reads another real cohort with no code change: the Danish diabetes register sample, decimal years, landmark at each patient's diabetes diagnosis.</summary>
    [Fact]
    [Trait(Category.Name, Category.Slow)]
    public void The_danish_diabetes_register_in_decimal_years_pretrains_and_its_subtypes_get_survival_curves()
    {
        using var folder = new TempFolder();
        string[] cohort = ["--events", RepoData.File("ehr/dmlate_events.csv.gz"), "--patients", RepoData.File("ehr/dmlate_patients.csv.gz"), "--threads", "1"];
        var pretrain = LabelFreeProcess.Run(["ehr", "pretrain", .. cohort, "--out", folder["pre"], "--steps", "20"]);
        Assert.True(pretrain.ExitCode == 0, pretrain.Error);
        var embed = LabelFreeProcess.Run(["ehr", "embed", "--model", Path.Combine(folder["pre"], "model"), .. cohort, "--landmark", "dm", "--split", "test", "--out", folder["embed"]]);
        Assert.True(embed.ExitCode == 0, embed.Error);
        using var survival = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder["embed"], "survival.json")));
        Assert.Equal("death", survival.RootElement.GetProperty("outcome").GetString());
        Assert.Equal("first dm", survival.RootElement.GetProperty("landmark").GetString());
        Assert.InRange(survival.RootElement.GetProperty("patients").GetInt32(), 1500, 2500);
        Assert.InRange(survival.RootElement.GetProperty("kmeans_log_rank").GetProperty("p").GetDouble(), 0, 1);
    }
}
