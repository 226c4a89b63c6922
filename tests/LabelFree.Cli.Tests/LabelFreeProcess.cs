using System.Diagnostics;
using System.Text;

namespace LabelFree.Cli.Tests;

/// <summary>Runs the built labelfree program as a separate process, as a user would, and captures what it prints.</summary>
public static class LabelFreeProcess
{
    public sealed record Result(int ExitCode, string Output, string Error);

    private static string Program => Path.Combine(AppContext.BaseDirectory, "labelfree.dll");

    /// <summary>Runs labelfree with <paramref name="args"/>; <paramref name="shellSetup"/>, if given, is bash run first in the same process (ulimit, trap).</summary>
    public static Result Run(IEnumerable<string> args, IDictionary<string, string>? environment = null, TimeSpan? timeout = null, string? shellSetup = null)
    {
        using var process = Start(args, environment, shellSetup);
        var output = new StringBuilder();
        var error = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) error.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"labelfree {string.Join(' ', args)} did not finish");
        }
        process.WaitForExit();
        return new Result(process.ExitCode, output.ToString(), error.ToString());
    }

    /// <summary>Runs a command that must fail on its input: exit 2 and one line on stderr containing <paramref name="expected"/>.</summary>
    public static void AssertBadInput(string[] args, string expected)
    {
        var result = Run(args);
        Assert.True(result.ExitCode == 2, $"{string.Join(' ', args)}: exit {result.ExitCode}, {result.Error}");
        Assert.Contains(expected, Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
    }

    public static Process Start(IEnumerable<string> args, IDictionary<string, string>? environment = null, string? shellSetup = null)
    {
        var start = new ProcessStartInfo(shellSetup is null ? "dotnet" : "bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (shellSetup is not null)
        {
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(shellSetup + "; exec dotnet \"$@\"");
            start.ArgumentList.Add("bash");
        }
        start.ArgumentList.Add(Program);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;
        return Process.Start(start)!;
    }
}
