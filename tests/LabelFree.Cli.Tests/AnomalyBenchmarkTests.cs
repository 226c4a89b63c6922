using System.Text.Json;
using LabelFree.Data.Imaging;
using LabelFree.Learning.Methods.Strega;
using LabelFree.TestKit;
using LabelFree.Workflows.Anomaly;

namespace LabelFree.Cli.Tests;

public class AnomalyBenchmarkTests
{
    [Fact]
    public void The_threshold_flags_the_asked_fraction_of_healthy_voxels_and_ignores_the_background()
    {
        var map = Enumerable.Range(0, 1000).Select(i => (float)i).ToArray();
        var brain = Enumerable.Range(0, 1000).Select(i => i < 500).ToArray();   // healthy brain values 0..499; the rest must not count
        var threshold = BenchmarkScoring.ThresholdAt([(map, brain)], 0.1);
        Assert.InRange(map.Where((v, i) => brain[i] && v > threshold).Count(), 49, 51);
        Assert.True(BenchmarkScoring.ThresholdAt([(map, brain)], 0.01) > threshold);
    }

    [Fact]
    public void One_signed_scoring_sees_only_darker_lesions_and_two_signed_sees_both()
    {
        // A 20x20x4 grid: a darker lesion (kind 2) on the left, a brighter one (kind 3) on the right.
        int[] shape = [20, 20, 4];
        var n = 20 * 20 * 4;
        var brain = Enumerable.Repeat(true, n).ToArray();
        var kinds = new byte[n];
        var map = new float[n];   // signed: positive where darker than expected
        for (var i = 0; i < n; i++)
        {
            int x = i % 20, y = i / 20 % 20;
            if (x is >= 2 and < 6 && y is >= 2 and < 6) (kinds[i], map[i]) = ((byte)LesionKind.Darker, 1);
            if (x is >= 12 and < 16 && y is >= 12 and < 16) (kinds[i], map[i]) = ((byte)LesionKind.Brighter, -1);
        }
        var one = BenchmarkScoring.Score("set", "scan", "m", ResidualSign.Signed, BenchmarkScoring.Apply(map, ResidualSign.Signed), brain, kinds, shape, 0.5);
        var two = BenchmarkScoring.Score("set", "scan", "m", ResidualSign.Absolute, BenchmarkScoring.Apply(map, ResidualSign.Absolute), brain, kinds, shape, 0.5);

        Assert.Equal(0.5, one.DetectionRate);
        Assert.Equal(1.0, one.Kinds.Single(k => k.Kind == "darker").DetectionRate);
        Assert.Equal(0.0, one.Kinds.Single(k => k.Kind == "brighter").DetectionRate);
        Assert.Equal(2.0 / 3, one.Dice, 6);   // half the lesion voxels flagged, none falsely
        Assert.Equal(1.0, two.DetectionRate);
        Assert.Equal(1.0, two.Dice, 6);
        Assert.Equal(1.0, two.Kinds.Single(k => k.Kind == "brighter").AveragePrecision, 6);
        Assert.Equal("one", one.Sign);
        Assert.Equal("two", two.Sign);
    }

    [Fact]
    [Trait(Category.Name, Category.Slow)]
    public void The_benchmark_trains_every_method_beside_both_baselines_and_writes_its_tables_and_figure()
    {
        using var folder = new TempFolder();
        var data = new float[48 * 56 * 40];
        for (var i = 0; i < data.Length; i++)
        {
            int x = i % 48, y = i / 48 % 56, z = i / (48 * 56);
            var r = Math.Pow((x - 24) / 23.0, 2) + Math.Pow((y - 28) / 24.0, 2) + Math.Pow((z - 20) / 19.0, 2);
            data[i] = r < 1 ? (float)(60 + 40 * Math.Sin(x / 3.0) * Math.Cos(y / 4.0)) : 0;
        }
        NiftiWriter.Write(folder["brain.nii.gz"], NiftiImage.Create([48, 56, 40], data, [2, 2, 2], [2, 0, 0, -48, 0, 2, 0, -56, 0, 0, 2, -40, 0, 0, 0, 1]));
        var synthesize = LabelFreeProcess.Run(["anomaly", "synthesize", "--data", folder["brain.nii.gz"], "--copies", "2", "--mixed-lesions", "--seed", "3", "--out", folder["test"]]);
        Assert.True(synthesize.ExitCode == 0, synthesize.Error);
        var labels = NiftiReader.Read(Path.Combine(folder["test"], "lesion_masks", "brain_copy00.nii.gz"));
        Assert.All(labels.Data.Where(v => v > 0), v => Assert.InRange(v, 2, 4));

        string[] benchmark = ["anomaly", "benchmark", "--train", folder["brain.nii.gz"], "--test", folder["test"], "--masks", Path.Combine(folder["test"], "lesion_masks"),
            "--brain-masks", Path.Combine(folder["test"], "brain_masks"), "--steps", "2", "--min-volumes", "1", "--validation-copies", "1", "--threads", "2"];
        var run = LabelFreeProcess.Run([.. benchmark, "--out", folder["bench"]]);
        Assert.True(run.ExitCode == 0, run.Error);
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder["bench"], "metrics.json")));
        var rows = metrics.RootElement.GetProperty("rows").EnumerateArray().ToList();
        var methods = rows.Select(r => $"{r.GetProperty("method").GetString()}/{r.GetProperty("sign").GetString()}").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["SCAD/one", "SCAD/two", "StRegA/one", "StRegA/two", "mean difference/one", "mean difference/two", "tissue z-score/one", "tissue z-score/two"], methods);
        Assert.All(rows, r => Assert.InRange(r.GetProperty("auroc").GetDouble(), 0, 1));
        Assert.All(rows, r => Assert.Equal(2, r.GetProperty("cases").GetInt32()));
        // Brighter-than-expected lesions make one-signed and two-signed scoring of a signed baseline differ.
        Assert.NotEqual(rows.Single(r => r.GetProperty("method").GetString() == "mean difference" && r.GetProperty("sign").GetString() == "one").GetProperty("auroc").GetDouble(),
            rows.Single(r => r.GetProperty("method").GetString() == "mean difference" && r.GetProperty("sign").GetString() == "two").GetProperty("auroc").GetDouble());
        Assert.Contains("| test | mean difference | two |", File.ReadAllText(Path.Combine(folder["bench"], "table.md")));
        Assert.True(File.Exists(Path.Combine(folder["bench"], "figures", "maps.png")));
        Assert.True(File.Exists(Path.Combine(folder["bench"], "scad", "model", "model.safetensors")));

        LabelFreeProcess.AssertBadInput([.. benchmark, "--out", folder["bad1"], "--false-positive-rate", "1.5"], "--false-positive-rate: expected a number in (0, 1), got 1.5");
        Assert.False(Directory.Exists(folder["bad1"]));
        NiftiWriter.Write(folder["empty.nii.gz"], NiftiImage.Create([48, 56, 40], new float[data.Length], [2, 2, 2], [2, 0, 0, -48, 0, 2, 0, -56, 0, 0, 2, -40, 0, 0, 0, 1]));
        LabelFreeProcess.AssertBadInput(["anomaly", "benchmark", "--train", folder["brain.nii.gz"], "--test", folder["brain.nii.gz"], "--masks", folder["empty.nii.gz"],
            "--out", folder["bad2"]], "no lesion voxel inside the brain");
        Assert.False(Directory.Exists(folder["bad2"]));
    }
}
