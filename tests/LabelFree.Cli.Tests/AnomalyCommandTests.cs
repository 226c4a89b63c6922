using System.Text.Json;
using LabelFree.Data.Imaging;
using LabelFree.TestKit;

namespace LabelFree.Cli.Tests;

[Trait(Category.Name, Category.Slow)]
public class AnomalyCommandTests
{
    [Fact]
    public void Train_detect_and_eval_run_end_to_end_and_write_their_files_on_the_input_grid()
    {
        using var folder = new TempFolder();
        // A small skull-stripped "brain" at 2 mm, in LSA orientation like the ITK head, so preprocessing must reorient.
        var data = new float[48 * 56 * 40];
        for (var i = 0; i < data.Length; i++)
        {
            int x = i % 48, y = i / 48 % 56, z = i / (48 * 56);
            var r = Math.Pow((x - 24) / 23.0, 2) + Math.Pow((y - 28) / 24.0, 2) + Math.Pow((z - 20) / 19.0, 2);
            data[i] = r < 1 ? (float)(60 + 40 * Math.Sin(x / 3.0) * Math.Cos(y / 4.0)) : 0;
        }
        var scan = NiftiImage.Create([48, 56, 40], data, [2, 2, 2], [-2, 0, 0, 48, 0, 0, 2, -40, 0, 2, 0, -56, 0, 0, 0, 1]);
        NiftiWriter.Write(folder["brain.nii.gz"], scan);

        var train = LabelFreeProcess.Run(["anomaly", "train", "--data", folder["brain.nii.gz"], "--out", folder["run"], "--steps", "3", "--min-volumes", "2",
            "--spacing", "3", "--opening-radius", "6", "--threads", "2"]);
        Assert.True(train.ExitCode == 0, train.Error);
        Assert.True(File.Exists(Path.Combine(folder["run"], "model", "model.safetensors")));
        using (var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder["run"], "model", "config.json"))))
        {
            var preprocessing = config.RootElement.GetProperty("preprocessing");
            Assert.Equal(3, preprocessing.GetProperty("spacing").GetDouble());
            Assert.Equal(80, preprocessing.GetProperty("height").GetInt32());  // 224 mm / 3 mm = 74.7, rounded up to a multiple of 16
            Assert.Equal(64, preprocessing.GetProperty("width").GetInt32());
            Assert.Equal(6, config.RootElement.GetProperty("postprocessing").GetProperty("opening_radius_mm").GetDouble());
        }

        var detect = LabelFreeProcess.Run(["anomaly", "detect", "--model", Path.Combine(folder["run"], "model"), "--input", folder["brain.nii.gz"], "--out", folder["detect"], "--threads", "2"]);
        Assert.True(detect.ExitCode == 0, detect.Error);
        var map = NiftiReader.Read(Path.Combine(folder["detect"], "anomaly_map.nii.gz"));
        var mask = NiftiReader.Read(Path.Combine(folder["detect"], "anomaly_mask.nii.gz"));
        Assert.Equal(scan.Shape, map.Shape);
        Assert.Equal(scan.Affine, map.Affine.Select(v => Math.Round(v, 4)));
        Assert.Equal(NiftiDatatype.UInt8, mask.Datatype);
        Assert.True(File.Exists(Path.Combine(folder["detect"], "overlay.png")));

        var eval = LabelFreeProcess.Run(["anomaly", "eval", "--model", Path.Combine(folder["run"], "model"), "--data", folder["brain.nii.gz"],
            "--synthetic-lesions", "2", "--seed", "4", "--out", folder["eval"], "--opening-radius", "0", "--threads", "2"]);
        Assert.True(eval.ExitCode == 0, eval.Error);
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder["eval"], "metrics.json")));
        Assert.Equal(2, metrics.RootElement.GetProperty("summary").GetProperty("cases").GetInt32());
        Assert.Equal(0, metrics.RootElement.GetProperty("summary").GetProperty("postprocessing").GetProperty("opening_radius_mm").GetDouble());
        var auroc = metrics.RootElement.GetProperty("summary").GetProperty("auroc").GetProperty("mean").GetDouble();
        Assert.InRange(auroc, 0, 1);
        Assert.Contains("AUROC", eval.Output);

        var negative = LabelFreeProcess.Run(["anomaly", "detect", "--model", Path.Combine(folder["run"], "model"), "--input", folder["brain.nii.gz"], "--out", folder["d2"],
            "--opening-radius", "-1"]);
        Assert.Equal(2, negative.ExitCode);
        Assert.Equal("error: --opening-radius: expected zero or more, got -1", negative.Error.Trim());
        Assert.False(Directory.Exists(folder["d2"]));

        // A lower layer's "brain_mask" setting is reported under this command's flag for it (detect: --mask).
        NiftiWriter.Write(folder["head.nii"], NiftiImage.Create([8, 8, 8], Enumerable.Repeat(5f, 512).ToArray()));
        var unstripped = LabelFreeProcess.Run(["anomaly", "detect", "--model", Path.Combine(folder["run"], "model"), "--input", folder["head.nii"], "--out", folder["d3"]]);
        Assert.Equal(2, unstripped.ExitCode);
        Assert.StartsWith($"error: --mask: {folder["head.nii"]} does not look skull-stripped", unstripped.Error.Trim());
        Assert.False(Directory.Exists(folder["d3"]));
    }

    [Fact]
    public void A_missing_scan_or_a_scan_that_is_not_skull_stripped_is_one_line_and_exit_2()
    {
        using var folder = new TempFolder();
        var missing = LabelFreeProcess.Run(["anomaly", "train", "--data", folder["nope.nii.gz"], "--out", folder["run"]]);
        Assert.Equal(2, missing.ExitCode);
        Assert.Equal($"error: --data: {folder["nope.nii.gz"]}: NIfTI file not found", missing.Error.Trim());
        Assert.False(Directory.Exists(folder["run"]));

        var coarse = LabelFreeProcess.Run(["anomaly", "train", "--data", folder["nope.nii.gz"], "--out", folder["run"], "--spacing", "0"]);
        Assert.Equal(2, coarse.ExitCode);
        Assert.Equal("error: --spacing: expected a voxel size in mm in (0, 8], got 0", coarse.Error.Trim());

        NiftiWriter.Write(folder["head.nii"], NiftiImage.Create([8, 8, 8], Enumerable.Repeat(5f, 512).ToArray()));
        var unstripped = LabelFreeProcess.Run(["anomaly", "train", "--data", folder["head.nii"], "--out", folder["run"]]);
        Assert.Equal(2, unstripped.ExitCode);
        Assert.StartsWith($"error: --masks: {folder["head.nii"]} does not look skull-stripped", unstripped.Error.Trim());
        Assert.False(Directory.Exists(folder["run"]), "nothing is written before the scans are checked");

        NiftiWriter.Write(folder["series.nii"], NiftiImage.Create([8, 8, 8, 2], Enumerable.Repeat(5f, 1024).ToArray()));
        foreach (var args in new[] { new[] { "anomaly", "train", "--data", folder["series.nii"], "--out", folder["run"] },
                     ["anomaly", "detect", "--model", folder["nomodel"], "--input", folder["series.nii"], "--out", folder["run"]] })
        {
            var series = LabelFreeProcess.Run(args);
            Assert.Equal(2, series.ExitCode);
            Assert.EndsWith($"{folder["series.nii"]}: expected a 3-D volume, got 2 volumes", series.Error.Trim());
            Assert.False(Directory.Exists(folder["run"]));
        }

        File.WriteAllText(folder["a-file"], "");
        foreach (var (flag, value, expected) in new[] { ("--out", folder["a-file"], "is an existing file"), ("--lr", "nan", "--lr: expected a positive finite number"),
                     ("--threads", "0", "--threads: expected a positive number"), ("--out", "", "--out: expected a folder path") })
        {
            string[] args = flag == "--out" ? ["anomaly", "train", "--data", folder["head.nii"], flag, value]
                : ["anomaly", "train", "--data", folder["head.nii"], "--out", folder["run2"], flag, value];
            var bad = LabelFreeProcess.Run(args);
            Assert.Equal(2, bad.ExitCode);
            Assert.Contains(expected, Assert.Single(bad.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
            Assert.False(Directory.Exists(folder["run2"]));
        }
    }
}
