using System.CommandLine;
using LabelFree.Core.Errors;

namespace LabelFree.Cli;

/// <summary>
/// The error convention of every command: exit 0 on success, 2 with one line on stderr for bad input (a parse error,
/// a missing or malformed file, a bad option value), 1 with one line for an internal failure. Stack traces only with
/// LABELFREE_DEBUG=1.
/// </summary>
public static class CommandLine
{
    public const int Ok = 0;
    public const int Failure = 1;
    public const int BadInput = 2;

    public static int Run(RootCommand root, string[] args, TextWriter? error = null)
    {
        error ??= Console.Error;
        try
        {
            var parsed = root.Parse(args);
            if (parsed.Errors.Count > 0)
            {
                // Unknown tokens first: "frobnicate" says more than "Required command was not provided".
                var messages = parsed.Errors.Select(e => e.Message).Distinct().OrderBy(m => m.StartsWith("Unrecognized", StringComparison.Ordinal) ? 0 : 1);
                error.WriteLine($"error: {string.Join("; ", messages)}");
                return BadInput;
            }
            return parsed.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false, Error = error });
        }
        catch (UserInputException e)
        {
            error.WriteLine($"error: {e.Message}");
            return BadInput;
        }
        catch (TrainingDivergedException e)
        {
            error.WriteLine($"error: {e.Message}");
            return Failure;
        }
        catch (Exception e)
        {
            error.WriteLine($"internal error: {e.GetType().Name}: {FirstLine(e.Message)} (set LABELFREE_DEBUG=1 for details)");
            if (Environment.GetEnvironmentVariable("LABELFREE_DEBUG") == "1") error.WriteLine(e);
            return Failure;
        }
    }

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();
}
