using LabelFree.Core.Errors;
using LabelFree.Learning.Registration;

namespace LabelFree.Workflows.Registration;

/// <summary>Instance-specific optimisation per pair, as applying and evaluating a model ask for it (setting <c>refine</c>).</summary>
public static class Refinement
{
    /// <summary>
    /// Instance-specific optimisation steps by default: on the held-out bench pairs 10 steps took a 1000-step VoxelMorph
    /// from Dice 0.633 to 0.728 for +0.7 s per pair (bench/RESULTS.md); the reference's register script uses none.
    /// </summary>
    public const int DefaultSteps = 10;

    /// <summary>The instance optimisation asked for (null: the default with a model, none without), or null for none.</summary>
    public static InstanceOptions? Resolve(int? steps, bool hasModel)
    {
        if (steps < 0) throw new SettingException("refine", $"expected zero or more steps, got {steps}");
        if (steps > 0 && !hasModel) throw new SettingException("refine", "needs a model (the affine alone has no field to refine)");
        var resolved = steps ?? (hasModel ? DefaultSteps : 0);
        return resolved == 0 ? null : new InstanceOptions(resolved).Validate();
    }
}
