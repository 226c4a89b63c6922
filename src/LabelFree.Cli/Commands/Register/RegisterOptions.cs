using System.CommandLine;
using LabelFree.Cli.Options;
using LabelFree.Workflows.Registration;

namespace LabelFree.Cli.Commands.Register;

/// <summary>Options more than one register command takes.</summary>
public static class RegisterOptions
{
    /// <summary>--refine N: steps of instance-specific optimisation per pair.</summary>
    public static Option<int?> Refine() => new Option<int?>("--refine")
    {
        Description = "Refine the network's field on each pair with this many Adam steps of its own loss (VoxelMorph's instance-specific " +
            $"optimisation; default {Refinement.DefaultSteps}; 0: the network alone)",
    }.NonNegative();

    public static Option<string> Fixed() => new("--fixed") { Description = "Fixed (reference) scan", Required = true };

    public static Option<string> Moving() => new("--moving") { Description = "Moving scan, registered onto the fixed one", Required = true };

    public static Option<string> FixedMask() => new("--fixed-mask") { Description = "Fixed brain mask (default: non-zero voxels of a skull-stripped scan)" };

    public static Option<string> MovingMask() => new("--moving-mask") { Description = "Moving brain mask (default: non-zero voxels)" };
}
