using System.CommandLine;
using LabelFree.Cli.Commands.Anomaly;
using LabelFree.Cli.Commands.Cells;
using LabelFree.Cli.Commands.Demo;
using LabelFree.Cli.Commands.Dna;
using LabelFree.Cli.Commands.Doctor;
using LabelFree.Cli.Commands.Ehr;
using LabelFree.Cli.Commands.Gwas;
using LabelFree.Cli.Commands.Loci;
using LabelFree.Cli.Commands.Phenotypes;
using LabelFree.Cli.Commands.Register;
using LabelFree.Cli.Commands.Signals;
using LabelFree.Cli.Commands.Ssl;
using LabelFree.Cli.Options;
using LabelFree.Core.Errors;

namespace LabelFree.Cli;

/// <summary>
/// The error convention of every command: exit 0 on success, 2 with one line on stderr for bad input (a parse error,
/// a missing or malformed file, a bad option value), 1 with one line for an internal failure, 130 for a training run
/// stopped by Ctrl-C or SIGTERM after writing a checkpoint. Stack traces only with
/// LABELFREE_DEBUG=1. A bad setting reported by a lower layer (<see cref="SettingException"/>) is shown under the flag
/// that sets it. A command that fails on bad input removes the output folder it made (one that did not exist before it
/// ran), so nothing half-written is left; an internal failure keeps it for diagnosis and resumption.
/// </summary>
public static class CommandLine
{
    public const int Ok = 0;
    public const int Failure = 1;
    public const int BadInput = 2;

    /// <summary>Stopped on the user's request (Ctrl-C, SIGTERM), as shells report a SIGINT: 128 + 2.</summary>
    public const int Interrupted = 130;

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
        SignalsCommand.Create(),
        SslCommand.Create(),
        PhenotypesCommand.Create(),
    };

    public static int Run(RootCommand root, string[] args, TextWriter? error = null)
    {
        error ??= Console.Error;
        ParseResult? parsed = null;
        string? newFolder = null;
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
            newFolder = RunOptions.NewOutputFolder(parsed);
            return parsed.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false, Error = error });
        }
        catch (SettingException e)
        {
            // Lower layers name the setting; the user sees the flag of this command that sets it.
            var flag = Flags.FlagFor(parsed?.CommandResult.Command, e.Setting);
            error.WriteLine(flag is null ? $"error: {e.Message}" : $"error: {flag}: {e.Problem}");
            RemoveBegun(newFolder);
            return BadInput;
        }
        catch (UserInputException e)
        {
            error.WriteLine($"error: {e.Message}");
            RemoveBegun(newFolder);
            return BadInput;
        }
        catch (TrainingInterruptedException e)
        {
            error.WriteLine($"stopped: {e.Message}");
            return Interrupted;
        }
        catch (Exception e) when (StorageFull(e))
        {
            // The user's disk, not LabelFree: exit 2, and no partial output unless it holds checkpoints to resume from.
            var checkpoints = newFolder is null ? null : Path.Combine(newFolder, "checkpoints");
            var kept = Directory.Exists(checkpoints) && Directory.EnumerateDirectories(checkpoints, "step-*").Any();
            error.WriteLine($"error: no room to write the output ({FirstLine(e.Message)}): free space or choose another --out" +
                            (kept ? $"; the checkpoints in {newFolder} are kept for --resume" : ""));
            if (!kept) RemoveBegun(newFolder);
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

    /// <summary>Removes the output folder a command made before it found the user's mistake.</summary>
    private static void RemoveBegun(string? folder)
    {
        if (folder is null || !Directory.Exists(folder)) return;
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Leave it: the error line already says what went wrong with the input.
        }
    }

    /// <summary>
    /// A full disk (ENOSPC) or quota (EDQUOT) as .NET reports them on Linux, and a file-size limit (ulimit -f: EFBIG,
    /// which .NET's file writes report as an ArgumentOutOfRangeException with this message).
    /// </summary>
    private static bool StorageFull(Exception e) => e switch
    {
        IOException io => io.HResult is 28 or 122 or 27 || io.Message.Contains("No space left on device", StringComparison.Ordinal)
                          || io.Message.Contains("Disk quota exceeded", StringComparison.Ordinal),
        ArgumentOutOfRangeException range => range.Message.StartsWith("Specified file length was too large for the file system", StringComparison.Ordinal),
        _ => false,
    };

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();
}
