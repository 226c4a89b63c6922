using System.Globalization;
using LabelFree.TestKit;

namespace LabelFree.Cli.Tests;

/// <summary>
/// Training stopped by Ctrl-C, then killed with SIGKILL at many points (issue 20): mid-step, mid-checkpoint-write,
/// during start-up and resumption, each time resumed with <c>--resume</c>, ends with the same weights, byte for byte,
/// as a run never stopped.
/// </summary>
public class FaultInjectionTests
{
    private const int Epochs = 40;  // scVI on 80 cells: one step per epoch, a checkpoint after each

    private static string[] Train(string output) =>
        ["cells", "train", "--input", RepoData.File("singlecell/pbmc_small"), "--epochs", Epochs.ToString(CultureInfo.InvariantCulture),
         "--threads", "1", "--seed", "3", "--out", output, "--resume"];

    /// <summary>The newest complete checkpoint's step, or 0.</summary>
    private static int LatestStep(string run)
    {
        var folder = Path.Combine(run, "checkpoints");
        return Directory.Exists(folder)
            ? Directory.GetDirectories(folder, "step-*").Select(d => int.Parse(Path.GetFileName(d)[5..], CultureInfo.InvariantCulture)).DefaultIfEmpty(0).Max()
            : 0;
    }

    [Fact]
    [Trait(Category.Name, Category.Slow)]
    public void Training_interrupted_then_killed_at_ten_points_resumes_to_the_weights_of_an_unbroken_run()
    {
        using var folder = new TempFolder();
        var reference = LabelFreeProcess.Run(Train(folder["reference"]), timeout: TimeSpan.FromMinutes(5));
        Assert.True(reference.ExitCode == 0, reference.Error);

        // Ctrl-C (SIGINT) after the fifth checkpoint: the run stops after its current step, with a checkpoint there.
        using (var interrupted = LabelFreeProcess.Start(Train(folder["killed"])))
        {
            var output = new System.Text.StringBuilder();
            interrupted.OutputDataReceived += (_, _) => { };
            interrupted.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
            interrupted.BeginOutputReadLine();
            interrupted.BeginErrorReadLine();
            var deadline = DateTime.UtcNow.AddMinutes(3);
            while (!interrupted.HasExited && LatestStep(folder["killed"]) < 5 && DateTime.UtcNow < deadline) Thread.Sleep(2);
            using (var signal = System.Diagnostics.Process.Start("kill", ["-INT", interrupted.Id.ToString(CultureInfo.InvariantCulture)])) signal.WaitForExit();
            Assert.True(interrupted.WaitForExit(TimeSpan.FromMinutes(1)), "SIGINT did not stop the run");
            interrupted.WaitForExit();
            string error;
            lock (output) error = output.ToString();
            Assert.True(interrupted.ExitCode == CommandLine.Interrupted, $"exit {interrupted.ExitCode}: {error}");
            var stopped = System.Text.RegularExpressions.Regex.Match(error, @"stopped: interrupted after step (\d+); checkpoint in ");
            Assert.True(stopped.Success, error);
            Assert.Equal(int.Parse(stopped.Groups[1].Value, CultureInfo.InvariantCulture), LatestStep(folder["killed"]));
            Assert.InRange(LatestStep(folder["killed"]), 5, Epochs - 1);
        }

        var random = new Random(11);
        var kills = new List<string>();
        for (var attempt = 0; attempt < 12; attempt++)
        {
            var done = LatestStep(folder["killed"]);
            var target = done + random.Next(0, 4);  // the checkpoint after which to kill: 0 more kills during start-up or resumption
            using var process = LabelFreeProcess.Start(Train(folder["killed"]));
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var deadline = DateTime.UtcNow.AddMinutes(3);
            while (!process.HasExited && LatestStep(folder["killed"]) < target && DateTime.UtcNow < deadline) Thread.Sleep(2);
            Thread.Sleep(random.Next(0, 40));  // somewhere in the next step or its checkpoint write
            if (process.HasExited) continue;
            var at = LatestStep(folder["killed"]);
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            kills.Add($"after step {at}");
        }
        Assert.True(kills.Count >= 10, $"only {kills.Count} kills landed: {string.Join(", ", kills)}");

        var resumed = LabelFreeProcess.Run(Train(folder["killed"]), timeout: TimeSpan.FromMinutes(5));
        Assert.True(resumed.ExitCode == 0, resumed.Error);
        Assert.Equal(File.ReadAllBytes(Path.Combine(folder["reference"], "model", "model.safetensors")),
            File.ReadAllBytes(Path.Combine(folder["killed"], "model", "model.safetensors")));
        Assert.Equal(File.ReadAllText(Path.Combine(folder["reference"], "latent.tsv")), File.ReadAllText(Path.Combine(folder["killed"], "latent.tsv")));
        Assert.Empty(Directory.GetDirectories(Path.Combine(folder["killed"], "checkpoints"), ".*"));
    }

    [Fact]
    [Trait(Category.Name, Category.Slow)]
    public void A_full_disk_is_exit_2_with_one_line_and_no_partial_output()
    {
        using var folder = new TempFolder();
        // A file-size limit (ulimit -f, with SIGXFSZ ignored so the write fails instead of killing the process): works
        // without privileges, so it runs everywhere. The runtime's W^X double mapping needs a large file, so it is off.
        var limited = LabelFreeProcess.Run(Train(folder["limited"])[..^1], new Dictionary<string, string> { ["DOTNET_EnableWriteXorExecute"] = "0" },
            shellSetup: "trap '' XFSZ; ulimit -f 48");
        AssertFullDisk(limited, folder["limited"]);

        // A real full disk: a 256 KiB tmpfs, where this machine lets the test mount one (root with CAP_SYS_ADMIN).
        Directory.CreateDirectory(folder["mnt"]);
        var mount = System.Diagnostics.Process.Start("mount", ["-t", "tmpfs", "-o", "size=256k", "tmpfs", folder["mnt"]]);
        mount.WaitForExit();
        if (mount.ExitCode != 0) return;
        try
        {
            var full = LabelFreeProcess.Run(Train(Path.Combine(folder["mnt"], "run"))[..^1]);
            AssertFullDisk(full, Path.Combine(folder["mnt"], "run"));
            Assert.Empty(Directory.EnumerateFileSystemEntries(folder["mnt"]));  // no temporary file left either
        }
        finally
        {
            System.Diagnostics.Process.Start("umount", [folder["mnt"]]).WaitForExit();
        }
    }

    private static void AssertFullDisk(LabelFreeProcess.Result result, string run)
    {
        Assert.True(result.ExitCode == 2, $"exit {result.ExitCode}: {result.Error}");
        var line = Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("error:", StringComparison.Ordinal));
        Assert.Contains("no room to write the output", line);
        Assert.False(Directory.Exists(run), $"{run} was left behind");
    }
}
