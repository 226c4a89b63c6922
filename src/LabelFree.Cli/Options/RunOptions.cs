using System.CommandLine;
using LabelFree.Core.Errors;
using LabelFree.Core.Torch;
using LabelFree.Workflows.Runs;

namespace LabelFree.Cli.Options;

/// <summary>
/// The options behind <see cref="RunSettings"/>: <c>--out</c> (checked before any work: not empty, not an existing
/// file, inside a folder that exists or can be made), <c>--seed</c>, <c>--device</c> and <c>--threads</c> (positive).
/// </summary>
public sealed class RunOptions
{
    /// <param name="outDescription">What --out names; null for a command that writes nothing.</param>
    /// <param name="defaultOut">--out when not given; null makes it required.</param>
    public RunOptions(string? outDescription = "Output folder", string? defaultOut = null, bool seed = true, bool device = true, bool threads = true)
    {
        if (outDescription is not null)
        {
            Out = new Option<string>("--out") { Description = outDescription, Required = defaultOut is null };
            if (defaultOut is not null) Out.DefaultValueFactory = _ => defaultOut;
            Out.Validators.Add(result =>
            {
                if (result.Tokens.Count == 1 && OutputProblem(result.Tokens[0].Value) is { } problem) result.AddError($"--out: {problem}");
            });
            FolderOutputs.Add(Out, this);
        }
        Seed = seed ? SeedOption() : null;
        Device = device ? DeviceOption() : null;
        Threads = threads ? new Option<int?>("--threads") { Description = "CPU threads for tensor work (default: one per physical core)" }.Positive() : null;
    }

    public Option<string>? Out { get; }

    /// <summary>
    /// The output folder the parsed command will write when it does not exist yet (so that a command failing on the
    /// user's input can remove what it began), or null: the folder exists already (a resumed run, a shared folder) or
    /// the command has no output folder.
    /// </summary>
    public static string? NewOutputFolder(ParseResult parsed)
    {
        var option = parsed.CommandResult.Command.Options.FirstOrDefault(o => o is Option<string> && FolderOutputs.TryGetValue(o, out _)) as Option<string>;
        if (option is null || parsed.GetValue(option) is not { Length: > 0 } path) return null;
        var full = Path.GetFullPath(path);
        return Directory.Exists(full) ? null : full;
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Option, RunOptions> FolderOutputs = [];

    public Option<long>? Seed { get; }

    public Option<ComputeDevice>? Device { get; }

    public Option<int?>? Threads { get; }

    /// <summary>Adds these options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        foreach (var option in new Option?[] { Out, Seed, Device, Threads }.OfType<Option>()) command.Options.Add(option);
    }

    public RunSettings Read(ParseResult result) => new(Out is null ? "" : result.GetValue(Out)!, Seed is null ? 0 : result.GetValue(Seed),
        Device is null ? ComputeDevice.Cpu : result.GetValue(Device), Threads is null ? null : result.GetValue(Threads));

    /// <summary>
    /// What is wrong with <paramref name="path"/> as an output folder, or null: empty, an existing file, under a file,
    /// or in a folder where nothing can be written. Writes nothing.
    /// </summary>
    public static string? OutputProblem(string path)
    {
        if (FullPath(path) is not { } full) return PathProblem(path, "a folder path");
        if (File.Exists(full)) return $"{path} is an existing file; expected a folder";
        var existing = full;
        while (!Directory.Exists(existing))
        {
            if (File.Exists(existing)) return $"{path}: {existing} is a file, so no folder can be made under it";
            existing = Path.GetDirectoryName(existing);
            if (existing is null) return $"{path}: no part of this path exists";
        }
        return WritableProblem(path, existing);
    }

    /// <summary>
    /// What is wrong with <paramref name="path"/> as an output file or file prefix, or null: empty, an existing folder,
    /// or in a folder that does not exist or where nothing can be written. An existing file is replaced (as plink2 does).
    /// </summary>
    public static string? OutputFileProblem(string path)
    {
        if (FullPath(path) is not { } full) return PathProblem(path, "a file path");
        if (Directory.Exists(full) || path.EndsWith('/')) return $"{path} is a folder; expected a file name or prefix";
        var folder = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(folder)) return $"{path}: folder {folder} does not exist";
        return WritableProblem(path, folder);
    }

    /// <summary>--out for a command whose output is a file or a file prefix, checked by <see cref="OutputFileProblem"/> at parse.</summary>
    public static Option<string> OutputFileOption(string description)
    {
        var option = new Option<string>("--out") { Description = description, Required = true };
        option.Validators.Add(result =>
        {
            if (result.Tokens.Count == 1 && OutputFileProblem(result.Tokens[0].Value) is { } problem) result.AddError($"--out: {problem}");
        });
        return option;
    }

    private static string? FullPath(string path)
    {
        if (string.IsNullOrWhiteSpace(path)) return null;
        try
        {
            return Path.GetFullPath(path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return null;
        }
    }

    private static string PathProblem(string path, string expected) =>
        string.IsNullOrWhiteSpace(path) ? $"expected {expected}, got an empty one" : $"'{path}' is not a usable path";

    /// <summary>The one sure test of writability: make and delete a file in <paramref name="folder"/> (which is left as it was).</summary>
    private static string? WritableProblem(string path, string folder)
    {
        try
        {
            using (File.Create(Path.Combine(folder, $".labelfree-write-test-{Environment.ProcessId}"), 1, FileOptions.DeleteOnClose)) { }
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"{path}: nothing can be written in {folder} ({e.Message})";
        }
    }

    /// <summary>--model: a trained model's folder (RUN/model).</summary>
    public static Option<string> ModelOption(string writtenBy = "", bool required = true) =>
        new("--model") { Description = $"Model folder{(writtenBy.Length > 0 ? $" written by {writtenBy}" : "")} (RUN/model)", Required = required };

    /// <summary>--seed, for the commands that take it without an output folder.</summary>
    public static Option<long> SeedOption() => new("--seed") { Description = "Random seed (data order, initial weights, augmentation)", DefaultValueFactory = _ => 0 };

    private static Option<ComputeDevice> DeviceOption() => new("--device")
    {
        Description = $"cpu, or cuda through an existing PyTorch install named by {TorchRuntime.TorchLibVariable}",
        DefaultValueFactory = _ => ComputeDevice.Cpu,
        CustomParser = result =>
        {
            try
            {
                return ComputeDeviceParser.Parse(result.Tokens.Count > 0 ? result.Tokens[0].Value : "cpu");
            }
            catch (SettingException e)
            {
                result.AddError($"--device: {e.Problem}");
                return ComputeDevice.Cpu;
            }
        },
    };
}
