using System.Globalization;
using System.Text;
using System.Text.Json;
using LabelFree.TestKit;

namespace LabelFree.Cli.Tests.Commands;

public class SignalsCommandTests
{
    /// <summary>Two channels of sines with a little noise, 250 Hz, with a time column.</summary>
    private static string WriteSines(string path, int samples)
    {
        var random = new Random(3);
        var text = new StringBuilder("time_s,a,b\n");
        for (var t = 0; t < samples; t++)
            text.Append(CultureInfo.InvariantCulture, $"{t / 250.0:0.###},{Math.Sin(t / 5.0) + 0.05 * random.NextDouble():G6},{Math.Cos(t / 9.0) + 0.05 * random.NextDouble():G6}\n");
        File.WriteAllText(path, text.ToString());
        return path;
    }

    [Fact]
    public void Bad_inputs_are_one_line_and_exit_2_before_any_output()
    {
        using var folder = new TempFolder();
        var sines = WriteSines(folder["s.csv"], 1200);
        File.WriteAllText(folder["bad.csv"], "a\n1\nx\n");
        string[] train = ["signals", "train", "--input", sines, "--method", "anomaly-transformer", "--out", folder["run"]];
        foreach (var (args, expected) in new (string[], string)[]
                 {
                     (["signals", "train", "--input", folder["missing.csv"], "--method", "maat", "--out", folder["run"]], "missing.csv: no such signal file"),
                     (["signals", "train", "--input", sines, "--method", "lstm", "--out", folder["run"]], "--method: expected anomaly-transformer or maat, got 'lstm'"),
                     (["signals", "train", "--input", folder["bad.csv"], "--method", "maat", "--out", folder["run"]], "bad.csv:3: channel 'a': 'x' is not a finite number"),
                     ([.. train, "--window", "600"], "both need at least 1200 and 600 (window 600)"),
                     ([.. train, "--validation", "0.9"], "--validation: expected a fraction in (0, 0.5], got 0.9"),
                     ([.. train, "--from", "0.7", "--until", "0.5"], "--until: expected a fraction in (0.7, 1], got 0.5"),
                     ([.. train, "--channels", "c"], "s.csv: no column 'c'"),
                     ([.. train, "--size", "huge"], "--size: expected small or paper, got 'huge'"),
                     (["signals", "inject", "--input", sines, "--kinds", "spike", "--out", folder["run"]], "--kinds: expected global-spike, contextual-spike, level-shift, frequency, shape or trend, got 'spike'"),
                     (["signals", "inject", "--input", sines, "--count", "50", "--out", folder["run"]], "--count: 50 anomalies with length scale 100 do not fit apart in 600 samples"),
                     (["signals", "eval", "--model", folder["nomodel"], "--input", sines, "--labels", sines, "--out", folder["run"]], "nomodel: not a signals run folder"),
                 })
            LabelFreeProcess.AssertBadInput(args, expected);
        Assert.False(Directory.Exists(folder["run"]));
    }

    /// <summary>inject, train, detect and eval on made-up sines: every output, one score per sample, thresholds that no label changes.</summary>
    [Fact]
    [Trait(Category.Name, Category.Slow)]
    public void Inject_train_detect_and_eval_write_every_output()
    {
        using var folder = new TempFolder();
        var sines = WriteSines(folder["s.csv"], 4000);
        var inject = LabelFreeProcess.Run(["signals", "inject", "--input", sines, "--seed", "4", "--count", "6", "--scale", "40", "--out", folder["injected"]]);
        Assert.True(inject.ExitCode == 0, inject.Error);
        Assert.Contains("injected 6 anomalies", inject.Output);
        var (signal, labels) = (Path.Combine(folder["injected"], "signal.csv"), Path.Combine(folder["injected"], "labels.tsv"));
        Assert.True(File.Exists(Path.Combine(folder["injected"], "figures", "injected.png")));
        Assert.Equal(2001, File.ReadAllLines(signal).Length);
        Assert.Equal(7, File.ReadAllLines(labels).Length);

        var train = LabelFreeProcess.Run(["signals", "train", "--input", sines, "--until", "0.5", "--method", "anomaly-transformer", "--window", "40", "--steps", "12",
            "--threads", "1", "--out", folder["run"]]);
        Assert.True(train.ExitCode == 0, train.Error);
        Assert.Contains("trained anomaly-transformer for 12 steps on 1,600 samples", train.Output);
        foreach (var file in new[] { "config.json", "metrics.jsonl", "summary.json", "detector.json", "model/model.safetensors", "figures/loss.png" })
            Assert.True(File.Exists(Path.Combine(folder["run"], file)), file);
        var thresholds = File.ReadAllText(Path.Combine(folder["run"], "detector.json"));

        var detect = LabelFreeProcess.Run(["signals", "detect", "--model", folder["run"], "--input", signal, "--threads", "1", "--out", folder["detect"]]);
        Assert.True(detect.ExitCode == 0, detect.Error);
        var scores = File.ReadAllLines(Path.Combine(folder["detect"], "scores.tsv"));
        Assert.Equal("sample\ttime_s\tscore\tdetected\tmoving-median\tnearest-window", scores[0]);
        Assert.Equal(2001, scores.Length);
        Assert.All(scores.Skip(1), row => Assert.True(float.IsFinite(float.Parse(row.Split('\t')[2], CultureInfo.InvariantCulture)), row));
        Assert.True(File.Exists(Path.Combine(folder["detect"], "anomalies.tsv")));
        Assert.True(File.Exists(Path.Combine(folder["detect"], "figures", "detections.png")));

        var eval = LabelFreeProcess.Run(["signals", "eval", "--model", folder["run"], "--input", signal, "--labels", labels, "--threads", "1", "--out", folder["eval"]]);
        Assert.True(eval.ExitCode == 0, eval.Error);
        Assert.Contains("point-adjusted F1", eval.Output);
        using (var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder["eval"], "metrics.json"))))
        {
            var detectors = metrics.RootElement.GetProperty("detectors").EnumerateArray().ToList();
            Assert.Equal(["anomaly-transformer", "moving-median", "nearest-window"], detectors.Select(d => d.GetProperty("detector").GetString()));
            using var detector = JsonDocument.Parse(thresholds);
            var trained = detector.RootElement.GetProperty("thresholds").EnumerateArray().Select(t => t.GetProperty("threshold").GetDouble());
            Assert.Equal(trained, detectors.Select(d => d.GetProperty("threshold").GetDouble()));
            foreach (var d in detectors)
                foreach (var metric in new[] { "auroc", "auprc" })
                    Assert.InRange(d.GetProperty("scores").GetProperty(metric).GetDouble(), 0, 1);
            Assert.Equal(6, metrics.RootElement.GetProperty("best").EnumerateObject().Count());
        }
        Assert.Equal(thresholds, File.ReadAllText(Path.Combine(folder["run"], "detector.json")));
        Assert.True(File.Exists(Path.Combine(folder["eval"], "figures", "scores.png")));
        Assert.Equal(4, File.ReadAllLines(Path.Combine(folder["eval"], "metrics.tsv")).Length);
    }

    /// <summary>
    /// The done-when run, short: both methods trained on the bundled ECG (MIT-BIH 208) and 4-channel EEG, anomalies injected
    /// into a later, held-out stretch, and every metric for each method beside both baselines. A global spike is far beyond
    /// the training range, so the nearest-window baseline must rank injected samples above normal ones (AUROC above 0.5).
    /// </summary>
    [Theory]
    [Trait(Category.Name, Category.Slow)]
    [InlineData("signals/mitbih208_mlii_360hz.csv.gz", "maat")]
    [InlineData("signals/eeg_motor_imagery_256hz.csv.gz", "anomaly-transformer")]
    [InlineData("signals/eeg_motor_imagery_256hz.csv.gz", "maat")]
    [InlineData("signals/mitbih208_mlii_360hz.csv.gz", "anomaly-transformer")]
    public void Both_methods_train_on_real_ECG_and_EEG_and_are_scored_beside_both_baselines(string data, string method)
    {
        using var folder = new TempFolder();
        var input = RepoData.File(data);
        var inject = LabelFreeProcess.Run(["signals", "inject", "--input", input, "--from", "0.6", "--until", "0.8", "--count", "8", "--seed", "1", "--out", folder["injected"]]);
        Assert.True(inject.ExitCode == 0, inject.Error);
        var train = LabelFreeProcess.Run(["signals", "train", "--input", input, "--until", "0.15", "--method", method, "--steps", "10", "--threads", "1", "--out", folder["run"]]);
        Assert.True(train.ExitCode == 0, train.Error);
        var eval = LabelFreeProcess.Run(["signals", "eval", "--model", folder["run"], "--input", Path.Combine(folder["injected"], "signal.csv"),
            "--labels", Path.Combine(folder["injected"], "labels.tsv"), "--threads", "1", "--out", folder["eval"]]);
        Assert.True(eval.ExitCode == 0, eval.Error);
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder["eval"], "metrics.json")));
        var detectors = metrics.RootElement.GetProperty("detectors").EnumerateArray().ToDictionary(d => d.GetProperty("detector").GetString()!, d => d.GetProperty("scores"));
        Assert.Equal([method, "moving-median", "nearest-window"], detectors.Keys);
        foreach (var scores in detectors.Values)
        {
            foreach (var metric in new[] { "auroc", "auprc" }) Assert.InRange(scores.GetProperty(metric).GetDouble(), 0, 1);
            foreach (var f1 in new[] { "best_f1", "at_threshold", "range_based", "point_adjusted" }) Assert.InRange(scores.GetProperty(f1).GetProperty("f1").GetDouble(), 0, 1);
        }
        Assert.True(detectors["nearest-window"].GetProperty("auroc").GetDouble() > 0.5, eval.Output);
    }
}
