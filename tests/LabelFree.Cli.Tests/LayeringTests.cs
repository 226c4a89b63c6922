using System.CommandLine;
using System.Text.RegularExpressions;
using LabelFree.TestKit;

namespace LabelFree.Cli.Tests;

/// <summary>The command line is the only layer that knows its flags: lower layers name settings, the CLI maps them.</summary>
public partial class LayeringTests
{
    [Fact]
    public void No_flag_of_the_program_appears_in_a_string_outside_the_command_line_project()
    {
        var flags = AllOptions(CommandLine.Root()).Select(o => o.Name).Where(n => n.StartsWith("--", StringComparison.Ordinal)).ToHashSet();
        Assert.Contains("--lr", flags);
        var src = Path.Combine(RepoData.RepositoryRoot, "src");
        var offenders = new List<string>();
        foreach (var file in Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
                     .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}LabelFree.Cli{Path.DirectorySeparatorChar}") && !f.Contains("/obj/") && !f.Contains("/bin/")))
        {
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                if (lines[i].TrimStart().StartsWith("//", StringComparison.Ordinal)) continue;
                foreach (Match literal in StringLiteral().Matches(lines[i]))
                    foreach (Match flag in Flag().Matches(literal.Value))
                        if (flags.Contains(flag.Value)) offenders.Add($"{Path.GetRelativePath(src, file)}:{i + 1}: {flag.Value}");
            }
        }
        Assert.Empty(offenders);
    }

    [Fact]
    public void Every_setting_a_command_registers_maps_to_one_of_its_flags()
    {
        var train = CommandLine.Root().Subcommands.Single(c => c.Name == "anomaly").Subcommands.Single(c => c.Name == "train");
        Assert.Equal("--lr", Options.Flags.FlagFor(train, "learning_rate"));
        Assert.Equal("--steps", Options.Flags.FlagFor(train, "max_steps"));
        Assert.Equal("--masks", Options.Flags.FlagFor(train, "brain_mask"));
        Assert.Equal("--threads", Options.Flags.FlagFor(train, "threads"));
        var detect = CommandLine.Root().Subcommands.Single(c => c.Name == "anomaly").Subcommands.Single(c => c.Name == "detect");
        Assert.Equal("--mask", Options.Flags.FlagFor(detect, "brain_mask"));
        Assert.Null(Options.Flags.FlagFor(detect, "learning_rate"));
    }

    private static IEnumerable<Option> AllOptions(Command command) => command.Options.Concat(command.Subcommands.SelectMany(AllOptions));

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"")]
    private static partial Regex StringLiteral();

    [GeneratedRegex("--[a-z][a-z0-9-]*")]
    private static partial Regex Flag();
}
