using System.CommandLine;
using LabelFree.Cli.Options;
using LabelFree.Workflows.Registration;

namespace LabelFree.Cli.Commands.Register;

/// <summary>
/// The refinement options of register apply and eval (<see cref="RefineSettings"/>): --refine (steps on the network's
/// grid), --levels (finer grids), --level-steps and --level-smoothness.
/// </summary>
public sealed class RefineOptions
{
    private readonly Option<int?> _refine = new Option<int?>("--refine")
    {
        Description = "Refine the network's field on each pair with this many Adam steps of its own loss on the network's grid (VoxelMorph's instance-specific " +
            $"optimisation; default {Refinement.DefaultSteps}; 0 with --levels 0: the network alone)",
    }.NonNegative();

    private readonly Option<double[]> _levels = new("--levels")
    {
        Description = "Then refine again on finer grids over the fixed brain with these spacings in mm, coarse to fine, none finer than the scan " +
            $"(default {string.Join(" ", Refinement.DefaultLevels)}; 0: none)",
        AllowMultipleArgumentsPerToken = true,
    };

    private readonly Option<int?> _levelSteps = new Option<int?>("--level-steps")
    {
        Description = $"At most this many steps per finer level; a level stops early when the similarity stops improving (default {Refinement.DefaultLevelSteps})",
    }.Positive();

    private readonly Option<double?> _levelSmoothness = new Option<double?>("--level-smoothness")
    {
        Description = $"Factor on the method's smoothness weight at the finer levels (default {Refinement.DefaultLevelSmoothness})",
    }.NonNegative();

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { _refine, _levels, _levelSteps, _levelSmoothness }) command.Options.Add(option);
    }

    /// <summary>Whether --refine asks for steps (an error without a model).</summary>
    public bool AsksSteps(ParseResult r) => r.GetValue(_refine) > 0;

    public RefineSettings Read(ParseResult r) =>
        new(r.GetValue(_refine), r.GetValue(_levels) is { Length: > 0 } l ? l : null, r.GetValue(_levelSteps), r.GetValue(_levelSmoothness));
}

/// <summary>Options more than one register command takes.</summary>
public static class RegisterOptions
{
    public static Option<string> Fixed() => new("--fixed") { Description = "Fixed (reference) scan", Required = true };

    public static Option<string> Moving() => new("--moving") { Description = "Moving scan, registered onto the fixed one", Required = true };

    public static Option<string> FixedMask() => new("--fixed-mask") { Description = "Fixed brain mask (default: non-zero voxels of a skull-stripped scan)" };

    public static Option<string> MovingMask() => new("--moving-mask") { Description = "Moving brain mask (default: non-zero voxels)" };
}
