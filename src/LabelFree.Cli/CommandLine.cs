using System.CommandLine;
using LabelFree.Cli.Commands.Anomaly;
using LabelFree.Cli.Commands.Cells;
using LabelFree.Cli.Commands.Demo;
using LabelFree.Cli.Commands.Dna;
using LabelFree.Cli.Commands.Doctor;
using LabelFree.Cli.Commands.Ehr;
using LabelFree.Cli.Commands.Gwas;
using LabelFree.Cli.Commands.Loci;
using LabelFree.Cli.Commands.Register;
using LabelFree.Cli.Commands.Ssl;
using LabelFree.Cli.Options;
using LabelFree.Core.Errors;

namespace LabelFree.Cli;

/// <summary>
/// The error convention of every command: exit 0 on success, 2 with one line on stderr for bad input (a parse error,
/// a missing or malformed file, a bad option value), 1 with one line for an internal failure. Stack traces only with
/// LABELFREE_DEBUG=1. A bad setting reported by a lower layer (<see cref="SettingException"/>) is shown under the flag
/// that sets it.
/// </summary>
public static class CommandLine
{
    public const int Ok = 0;
    public const int Failure = 1;
    public const int BadInput = 2;

    /// <summary>The <c>labelfree</c> program: every command.</summary>
    public static RootCommand Root() => new("LabelFree: learning without labels on biomedical data.")
    {
        DoctorCommand.Create(),
        DemoCommand.Create(),
        AnomalyCommand.Create(),
        GwasCommand.Create(),
        LociCommand.Create(),
        RegisterCommand.Create(),
        CellsCommand.Create(),
        EhrCommand.Create(),
        DnaCommand.Create(),
        SslCommand.Create(),
    };

    public static int Run(RootCommand root, string[] args, TextWriter? error = null)
    {
        error ??= Console.Error;
        ParseResult? parsed = null;
        try
        {
            parsed = root.Parse(args);
            if (parsed.Errors.Count > 0)
            {
                // Unknown tokens first: "frobnicate" says more than "Required command was not provided".
                var messages = parsed.Errors.Select(e => e.Message).Distinct().OrderBy(m => m.StartsWith("Unrecognized", StringComparison.Ordinal) ? 0 : 1);
                error.WriteLine($"error: {string.Join("; ", messages)}");
                return BadInput;
            }
            return parsed.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false, Error = error });
        }
        catch (SettingException e)
        {
            // Lower layers name the setting; the user sees the flag of this command that sets it.
            var flag = Flags.FlagFor(parsed?.CommandResult.Command, e.Setting);
            error.WriteLine(flag is null ? $"error: {e.Message}" : $"error: {flag}: {e.Problem}");
            return BadInput;
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
