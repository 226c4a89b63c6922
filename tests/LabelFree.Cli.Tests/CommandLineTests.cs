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
}
