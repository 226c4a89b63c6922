using System.CommandLine;
using LabelFree.Core.Errors;
using LabelFree.Learning.Registration;

namespace LabelFree.Cli.Commands.Register;

/// <summary>The --refine option of <c>register apply</c>, <c>register eval</c> and the demo: instance-specific optimisation per pair.</summary>
public static class Refinement
{
    /// <summary>
    /// Instance-specific optimisation steps by default: on the held-out bench pairs 10 steps took a 1000-step VoxelMorph
    /// from Dice 0.633 to 0.728 for +0.7 s per pair (bench/RESULTS.md); the reference's register script uses none.
    /// </summary>
    public const int DefaultSteps = 10;

    /// <summary>--refine N: steps of instance-specific optimisation per pair.</summary>
    public static Option<int?> Option() => new("--refine")
    {
        Description = "Refine the network's field on each pair with this many Adam steps of its own loss (VoxelMorph's instance-specific " +
            $"optimisation; default {DefaultSteps}; 0: the network alone)",
    };

    /// <summary>The instance optimisation --refine asks for (null: the default with a model, none without), or null for none.</summary>
    public static InstanceOptions? Resolve(int? steps, bool hasModel)
    {
        if (steps < 0) throw new UserInputException($"--refine: expected zero or more steps, got {steps}");
        if (steps > 0 && !hasModel) throw new UserInputException("--refine: needs --model (the affine alone has no field to refine)");
        var resolved = steps ?? (hasModel ? DefaultSteps : 0);
        return resolved == 0 ? null : new InstanceOptions(resolved).Validate();
    }
}
