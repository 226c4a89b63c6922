using System.CommandLine;
using LabelFree.Cli.Options;
using LabelFree.Core.Errors;
using LabelFree.TestKit;

namespace LabelFree.Cli.Tests;

public class CommandLineTests
{
    [Fact]
    public void Help_lists_the_commands()
    {
        var result = LabelFreeProcess.Run(["--help"]);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("doctor", result.Output);
        Assert.Contains("demo", result.Output);
    }

    [Fact]
    public void Doctor_names_LibTorch_2_10_and_the_native_path()
    {
        var result = LabelFreeProcess.Run(["doctor"]);
        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"LibTorch\s+2\.10", result.Output);
        Assert.Matches(@"native fix\s+(patched|not needed)", result.Output);
    }

    [Theory]
    [InlineData(new[] { "demo", "--threads", "abc" }, "abc")]
    [InlineData(new[] { "demo", "--threads", "0" }, "--threads")]
    [InlineData(new[] { "demo", "--device", "tpu" }, "--device: expected cpu or cuda, got 'tpu'")]
    [InlineData(new[] { "demo", "--no-such-option" }, "--no-such-option")]
    [InlineData(new[] { "frobnicate" }, "frobnicate")]
    [InlineData(new[] { "demo", "--only", "nope" }, "--only: expected brain-autoencoder")]
    public void Bad_options_exit_2_with_one_line(string[] args, string mentioned)
    {
        var result = LabelFreeProcess.Run(args);
        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line);
        Assert.Contains(mentioned, line);
    }

    [Fact]
    public void A_missing_input_file_exits_2_with_one_line_naming_it()
    {
        using var empty = new TestKit.TempFolder();
        Directory.CreateDirectory(Path.Combine(empty.Path, "imaging"));
        var result = LabelFreeProcess.Run(["demo", "--quick", "--out", empty["out"]], new Dictionary<string, string> { ["LABELFREE_DATA"] = empty.Path });

        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal($"error: {Path.Combine(empty.Path, "imaging/ch2bet.nii.gz")}: bundled data file not found", line);
    }

    [Fact]
    public void Cuda_without_a_PyTorch_library_folder_exits_2_with_one_line()
    {
        var result = LabelFreeProcess.Run(["doctor", "--device", "cuda"], new Dictionary<string, string> { ["LABELFREE_TORCH_LIB"] = "" });
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("LABELFREE_TORCH_LIB", Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
    }

    /// <summary>A command that makes its output folder, writes into it, then finds the user's mistake.</summary>
    private static RootCommand FailingAfterStart(Exception failure)
    {
        var run = new RunOptions("Run folder");
        var command = new Command("late", "fails after starting its run folder");
        run.AddTo(command);
        command.SetAction(int (r) =>
        {
            var settings = run.Read(r);
            Directory.CreateDirectory(Path.Combine(settings.Out, "checkpoints"));
            File.WriteAllText(Path.Combine(settings.Out, "config.json"), "{}");
            throw failure;
        });
        return new RootCommand("test") { command };
    }

    [Fact]
    public void A_command_failing_on_bad_input_removes_the_folder_it_made_and_only_that()
    {
        using var folder = new TempFolder();
        var error = new StringWriter();

        Assert.Equal(CommandLine.BadInput, CommandLine.Run(FailingAfterStart(new UserInputException("x.tsv: bad row")), ["late", "--out", folder["new/run"]], error));
        Assert.False(Directory.Exists(folder["new/run"]));
        Assert.True(Directory.Exists(folder["new"]), "a parent that existed before is kept");

        Directory.CreateDirectory(folder["existing"]);
        File.WriteAllText(folder["existing/keep.txt"], "mine");
        Assert.Equal(CommandLine.BadInput, CommandLine.Run(FailingAfterStart(new SettingException("threads", "too many")), ["late", "--out", folder["existing"]], error));
        Assert.True(File.Exists(folder["existing/keep.txt"]), "a folder that existed before the command is left alone");

        Assert.Equal(CommandLine.Failure, CommandLine.Run(FailingAfterStart(new InvalidOperationException("bug")), ["late", "--out", folder["crashed"]], error));
        Assert.True(File.Exists(folder["crashed/config.json"]), "an internal failure keeps the folder for diagnosis and resumption");
        Assert.Equal(["error: x.tsv: bad row", "error: --threads: too many", "internal error: InvalidOperationException: bug (set LABELFREE_DEBUG=1 for details)"],
            error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
