using System.Text.Json;
using LabelFree.Data.Imaging;
using LabelFree.TestKit;

namespace LabelFree.Cli.Tests;

public class RegisterCommandTests
{
    /// <summary>A small skull-stripped textured "brain" at 4 mm and a two-label map (left and right halves).</summary>
    private static void WriteBrain(TempFolder folder)
    {
        const int n = 40;
        var data = new float[n * n * n];
        var labels = new float[data.Length];
        for (var i = 0; i < data.Length; i++)
        {
            int x = i % n, y = i / n % n, z = i / (n * n);
            var r = Math.Pow((x - 20) / 15.0, 2) + Math.Pow((y - 20) / 17.0, 2) + Math.Pow((z - 20) / 14.0, 2);
            data[i] = r < 1 ? (float)(60 + 30 * Math.Sin(x / 2.5) * Math.Cos(y / 3.0) + (r < 0.3 ? 30 : 0)) : 0;
            labels[i] = r < 1 ? (x < 20 ? 1 : 2) : 0;
        }
        var scan = NiftiImage.Create([n, n, n], data, [4, 4, 4]);
        NiftiWriter.Write(folder["brain.nii.gz"], scan);
        NiftiWriter.Write(folder["labels.nii.gz"], scan.WithData(labels), NiftiDatatype.UInt8);
    }

    [Fact]
    [Trait(Category.Name, Category.Slow)]
    public void Synthesize_train_apply_and_eval_run_end_to_end()
    {
        using var folder = new TempFolder();
        WriteBrain(folder);
        var synth = LabelFreeProcess.Run(["register", "synthesize", "--data", folder["brain.nii.gz"], "--labels", folder["labels.nii.gz"], "--pairs", "1", "--seed", "5", "--out", folder["pairs"]]);
        Assert.True(synth.ExitCode == 0, synth.Error);
        var train = LabelFreeProcess.Run(["register", "train", "--data", folder["brain.nii.gz"], "--method", "micdir", "--steps", "2", "--grid", "16", "16", "16",
            "--spacing", "10", "--out", folder["run"], "--threads", "2"]);
        Assert.True(train.ExitCode == 0, train.Error);
        var model = Path.Combine(folder["run"], "model");

        var pairs = Path.Combine(folder["pairs"], "pairs.tsv");
        var apply = LabelFreeProcess.Run(["register", "apply", "--model", model, "--fixed", Path.Combine(folder["pairs"], "s0_pair0_fixed.nii.gz"),
            "--moving", Path.Combine(folder["pairs"], "s0_pair0_moving.nii.gz"), "--moving-labels", Path.Combine(folder["pairs"], "s0_pair0_moving_labels.nii.gz"),
            "--out", folder["apply"], "--threads", "2"]);
        Assert.True(apply.ExitCode == 0, apply.Error);
        foreach (var file in new[] { "warped.nii.gz", "field.nii.gz", "jacobian.nii.gz", "warped_labels.nii.gz", "summary.json" })
            Assert.True(File.Exists(Path.Combine(folder["apply"], file)), file);
        // The field's header: 5-D (x, y, z, 1, 3), NIFTI_INTENT_VECTOR (nibabel reads it: Data.Tests' NibabelTests).
        using (var gz = new System.IO.Compression.GZipStream(File.OpenRead(Path.Combine(folder["apply"], "field.nii.gz")), System.IO.Compression.CompressionMode.Decompress))
        {
            var header = new byte[348];
            gz.ReadExactly(header);
            var dims = Enumerable.Range(0, 6).Select(i => BitConverter.ToInt16(header, 40 + 2 * i)).ToArray();
            Assert.Equal(new short[] { 5, 40, 40, 40, 1, 3 }, dims);
            Assert.Equal(1007, BitConverter.ToInt16(header, 68));
        }

        var eval = LabelFreeProcess.Run(["register", "eval", "--affine-only", "--pairs", pairs, "--out", folder["eval"], "--threads", "2"]);
        Assert.True(eval.ExitCode == 0, eval.Error);
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder["eval"], "summary.json")));
        var dice = summary.RootElement.GetProperty("mean_dice").GetDouble();
        Assert.InRange(dice, 0.7, 1.0);
        Assert.True(File.Exists(Path.Combine(folder["eval"], "labels.tsv")));

        // VoxelMorph trained on windows of a finer grid, then evaluated with instance-specific optimisation on each pair.
        var windows = LabelFreeProcess.Run(["register", "train", "--data", folder["brain.nii.gz"], "--steps", "2", "--grid", "32", "32", "32", "--spacing", "5",
            "--crop", "16", "16", "16", "--out", folder["run2"], "--threads", "2"]);
        Assert.True(windows.ExitCode == 0, windows.Error);
        using (var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder["run2"], "config.json"))))
            Assert.Equal([16, 16, 16], config.RootElement.GetProperty("settings").GetProperty("crop").EnumerateArray().Select(v => v.GetInt32()));
        // The pyramid: 5 steps on the 5 mm grid, then a finer level (2 mm asked, the scan's 4 mm used), every stage scored.
        var refined = LabelFreeProcess.Run(["register", "eval", "--model", Path.Combine(folder["run2"], "model"), "--refine", "5", "--levels", "2", "--level-steps", "5",
            "--every-stage", "--pairs", pairs, "--out", folder["eval2"], "--threads", "2"]);
        Assert.True(refined.ExitCode == 0, refined.Error);
        using var refinedSummary = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder["eval2"], "summary.json")));
        Assert.Equal(5, refinedSummary.RootElement.GetProperty("refine_steps").GetInt32());
        Assert.Equal("4 mm", refinedSummary.RootElement.GetProperty("stage").GetString());
        Assert.Equal(["network", "5 mm", "4 mm"], refinedSummary.RootElement.GetProperty("stages").EnumerateArray().Select(s => s.GetProperty("stage").GetString()));
        Assert.InRange(refinedSummary.RootElement.GetProperty("mean_dice").GetDouble(), 0.7, 1.0);
        Assert.InRange(refinedSummary.RootElement.GetProperty("mean_hd95").GetDouble(), 0, 20);
        Assert.Equal(4, File.ReadAllLines(Path.Combine(folder["eval2"], "stages.tsv")).Length);

        // Training on a real pair, pre-aligned by an affine from register affine (named in the pairs file's affine column).
        var fixedScan = Path.Combine(folder["pairs"], "s0_pair0_fixed.nii.gz");
        var movingScan = Path.Combine(folder["pairs"], "s0_pair0_moving.nii.gz");
        var affine = LabelFreeProcess.Run(["register", "affine", "--fixed", fixedScan, "--moving", movingScan, "--out", folder["affine"], "--threads", "2"]);
        Assert.True(affine.ExitCode == 0, affine.Error);
        File.WriteAllText(folder["train_pairs.tsv"], $"fixed\tmoving\taffine\n{fixedScan}\t{movingScan}\t{Path.Combine(folder["affine"], "affine.json")}\n");
        var real = LabelFreeProcess.Run(["register", "train", "--pairs", folder["train_pairs.tsv"], "--steps", "2", "--grid", "16", "16", "16", "--spacing", "10",
            "--out", folder["run3"], "--threads", "2"]);
        Assert.True(real.ExitCode == 0, real.Error);
        using var realConfig = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder["run3"], "config.json")));
        var recorded = realConfig.RootElement.GetProperty("settings").GetProperty("pairs")[0];
        Assert.EndsWith("affine.json", recorded.GetProperty("affine").GetString());
        Assert.Equal(16, recorded.GetProperty("fixed_to_moving").GetArrayLength());
        Assert.True(File.Exists(Path.Combine(folder["run3"], "model", "model.safetensors")));
    }

    [Fact]
    public void Bad_input_exits_2_with_one_line()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder["pairs.tsv"], "fixed\tmoving\nA\tB\n");
        var eval = LabelFreeProcess.Run(["register", "eval", "--affine-only", "--pairs", folder["pairs.tsv"], "--out", folder["eval"]]);
        Assert.Equal(2, eval.ExitCode);
        Assert.Contains("fixed_labels", eval.Error);
        Assert.DoesNotContain("   at ", eval.Error);

        var refine = LabelFreeProcess.Run(["register", "eval", "--affine-only", "--refine", "5", "--pairs", folder["pairs.tsv"], "--out", folder["eval"]]);
        Assert.Equal(2, refine.ExitCode);
        Assert.Contains("--refine", refine.Error);

        var levels = LabelFreeProcess.Run(["register", "eval", "--model", folder["run"], "--levels", "2", "4", "--pairs", folder["pairs.tsv"], "--out", folder["eval"]]);
        Assert.Equal(2, levels.ExitCode);
        Assert.Contains("--levels", levels.Error);

        var neither = LabelFreeProcess.Run(["register", "train", "--out", folder["run"]]);
        Assert.Equal(2, neither.ExitCode);
        Assert.Contains("--pairs", neither.Error);

        var crop = LabelFreeProcess.Run(["register", "train", "--data", folder["missing.nii.gz"], "--grid", "32", "32", "32", "--crop", "48", "16", "16", "--out", folder["run"]]);
        Assert.Equal(2, crop.ExitCode);
        Assert.Contains("--crop", crop.Error);

        var apply = LabelFreeProcess.Run(["register", "apply", "--model", folder["missing"], "--fixed", "a.nii.gz", "--moving", "b.nii.gz", "--out", folder["out"]]);
        Assert.Equal(2, apply.ExitCode);
        Assert.Contains("not found", apply.Error);
    }
}
