using LabelFree.Core.Training;
using LabelFree.TestKit;

namespace LabelFree.Cli.Tests;

[Trait(Category.Name, Category.Slow)]
public class DemoTests
{
    private static readonly string[] Common = ["demo", "--threads", "2", "--seed", "3"];

    [Fact]
    public void Demo_writes_config_metrics_model_and_report()
    {
        using var folder = new TempFolder();
        // Eight parts (brain autoencoder, anomaly, GWAS, registration, cells, health records, dna, ssl): a busy 2-core machine needs more than the default 5 minutes
        // (12 were exceeded once at load 4-5 with two threads, where OpenMP threads spin while the other core is taken).
        var result = LabelFreeProcess.Run([.. Common, "--quick", "--steps", "30", "--out", folder.Path], timeout: TimeSpan.FromMinutes(15));

        Assert.True(result.ExitCode == 0, result.Error);
        foreach (var file in new[] { "config.json", "metrics.jsonl", "report.html", "summary.json", "reconstruction_metrics.tsv",
                     "model/config.json", "model/model.safetensors", "model/meta.json", "figures/loss_curve.png", "figures/reconstructions.png" })
            Assert.True(File.Exists(Path.Combine(folder.Path, file)), file);
        Assert.Contains("\"seed\": 3", File.ReadAllText(Path.Combine(folder.Path, "config.json")));
        Assert.Contains("data:image/png;base64,", File.ReadAllText(Path.Combine(folder.Path, "report.html")));
        Assert.Contains("brain autoencoder: 30 steps", result.Output);
        Assert.Contains("anomaly detection (StRegA): 3 unseen brains", result.Output);
        Assert.Contains("cis-eQTL scan: 12 genes", result.Output);
        Assert.Contains("registration (VoxelMorph): 2 held-out pairs", result.Output);
        Assert.Contains("single cells (scVI): PBMC", result.Output);
        Assert.Matches(@"health records \(BEHRT\): \d+ held-out NAFLD patients, heart failure or death in 5 years, AUROC behrt_pretrained 0\.\d+", result.Output);
        foreach (var file in new[] { "registration/config.json", "registration/metrics.json", "registration/model/model.safetensors", "registration/overlay_0.png",
                     "registration/overlay_1.png", "cells/pbmc/cells.h5ad", "cells/visium/figures/umap_leiden.png", "cells/simulated/eval/metrics.json",
                     "ehr/pretrain/model/model.safetensors", "ehr/outcome/metrics.json", "ehr/outcome/figures/calibration.png", "ehr/subtypes/survival.json",
                     "ehr/subtypes/figures/survival_kmeans.png" })
            Assert.True(File.Exists(Path.Combine(folder.Path, file)), file);
        // Even after 30 quick steps, the network's field refined on each pair must beat the affine alone.
        using (var registration = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(folder.Path, "registration", "metrics.json"))))
            foreach (var pair in registration.RootElement.GetProperty("cases").EnumerateArray())
                Assert.True(pair.GetProperty("dice_refined").GetDouble() > pair.GetProperty("dice_affine").GetDouble() + 0.02, pair.GetRawText());
        Assert.Contains("dna (Nucleotide Transformer): held-out", result.Output);
        foreach (var file in new[] { "dna/pretrain/heldout.json", "dna/pretrain/model/model.safetensors", "dna/ecoli_probe/metrics.json", "dna/ecoli_finetune/metrics.json",
                     "dna/motifs/motifs.tsv", "dna/summary.json" })
            Assert.True(File.Exists(Path.Combine(folder.Path, file)), file);
        Assert.Matches(@"ssl \(SimCLR on brain patches\): lobe probe, left -> right hemisphere, balanced accuracy linear 0\.\d+", result.Output);
        foreach (var file in new[] { "ssl/pretrain/model/model.safetensors", "ssl/probe/metrics.json", "ssl/probe/predictions.tsv", "ssl/probe/figures/umap_test.png" })
            Assert.True(File.Exists(Path.Combine(folder.Path, file)), file);
        Assert.Matches(@"signals \(Anomaly Transformer, MAAT\): ECG, MIT-BIH record 208 \(360 Hz\): AUROC anomaly-transformer [01]\.\d+, maat [01]\.\d+, moving-median [01]\.\d+, nearest-window [01]\.\d+", result.Output);
        foreach (var file in new[] { "signals/mitbih208/injected/labels.tsv", "signals/mitbih208/maat/model/model.safetensors", "signals/mitbih208/anomaly-transformer/eval/metrics.json",
                     "signals/mitbih208/anomaly-transformer/eval/figures/scores.png", "signals/summary.json" })
            Assert.True(File.Exists(Path.Combine(folder.Path, file)), file);
        // The report as a reader sees it: every figure loads, nothing sticks out past a 1280-pixel window; a screenshot
        // of the whole page stays beside the test binaries (report-screenshot.png) for a look.
        var browser = ReportInBrowser.Check(Path.Combine(folder.Path, "report.html"), Path.Combine(AppContext.BaseDirectory, "report-screenshot.png"));
        Assert.True(browser.Problems.Length == 0, string.Join("\n", browser.Problems));
        Assert.Equal(System.Text.RegularExpressions.Regex.Matches(File.ReadAllText(Path.Combine(folder.Path, "report.html")), "<img ").Count, browser.Images);
        Assert.True(browser.Images >= 15, $"{browser.Images} figures in the report");
        foreach (var file in new[] { "gwas/loci.tsv", "gwas/figures/manhattan.png", "gwas/figures/qq.png", "anomaly/config.json", "anomaly/metrics.jsonl", "anomaly/metrics.json", "anomaly/model/model.safetensors", "anomaly/overlay_itk_head.png",
                     "anomaly/benchmark/metrics.json", "anomaly/benchmark/figures/maps.png" })
            Assert.True(File.Exists(Path.Combine(folder.Path, file)), file);
    }

    [Fact]
    public void A_killed_demo_resumed_ends_with_the_same_loss_and_weights_as_an_uninterrupted_one()
    {
        using var folder = new TempFolder();
        string[] run = [.. Common, "--steps", "150", "--only", "brain-autoencoder"];

        var full = LabelFreeProcess.Run([.. run, "--out", folder["full"]]);
        Assert.True(full.ExitCode == 0, full.Error);

        // Start the same run, kill it (SIGKILL) as soon as its second checkpoint exists.
        var checkpoint = Path.Combine(folder["killed"], "checkpoints", "step-00000050");
        using (var process = LabelFreeProcess.Start([.. run, "--out", folder["killed"]]))
        {
            var deadline = DateTime.UtcNow.AddMinutes(3);
            while (!Directory.Exists(checkpoint) && !process.HasExited && DateTime.UtcNow < deadline) Thread.Sleep(20);
            Assert.False(process.HasExited, "the run finished before it could be killed");
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
        Assert.False(File.Exists(Path.Combine(folder["killed"], "report.html")));

        var resumed = LabelFreeProcess.Run([.. run, "--out", folder["killed"], "--resume"]);
        Assert.True(resumed.ExitCode == 0, resumed.Error);
        Assert.Contains("resumed from", resumed.Error);

        var fullMetrics = MetricsLog.Read(Path.Combine(folder["full"], MetricsLog.FileName));
        var resumedMetrics = MetricsLog.Read(Path.Combine(folder["killed"], MetricsLog.FileName));
        Assert.Equal(fullMetrics.Last(m => m.Phase == "train").Loss, resumedMetrics.Last(m => m.Phase == "train").Loss);
        Assert.Equal(fullMetrics.Select(m => (m.Step, m.Phase, m.Loss)), resumedMetrics.Select(m => (m.Step, m.Phase, m.Loss)));
        Assert.Equal(File.ReadAllBytes(Path.Combine(folder["full"], "model", "model.safetensors")),
            File.ReadAllBytes(Path.Combine(folder["killed"], "model", "model.safetensors")));
    }
}
