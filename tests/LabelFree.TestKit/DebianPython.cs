using System.Diagnostics;
using Xunit;

namespace LabelFree.TestKit;

/// <summary>
/// Runs a script in Debian's Python (/usr/bin/python3, where python3-nibabel, python3-anndata and python3-scipy install),
/// the independent reader that files LabelFree writes are checked against.
/// </summary>
public static class DebianPython
{
    /// <summary>Runs <paramref name="script"/> with <paramref name="args"/> as sys.argv[1:] and returns its non-empty output lines.</summary>
    /// <param name="package">The Debian package the script needs, named in the failure message.</param>
    public static string[] Run(string package, string script, params string[] args)
    {
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"/usr/bin/python3 failed (apt-get install {package}): {error.Result}");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}
