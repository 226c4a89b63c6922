using LabelFree.Core.Errors;
using LabelFree.Learning.Registration;

namespace LabelFree.Workflows.Registration;

/// <summary>
/// The refinement a user asks for: steps on the working grid, finer levels (mm; a single 0: none), the most steps per
/// finer level, and the factor on the method's smoothness weight at finer levels; null: the defaults.
/// </summary>
public sealed record RefineSettings(int? Steps = null, double[]? Levels = null, int? LevelSteps = null, double? LevelSmoothness = null)
{
    public RefinementPlan? Resolve(bool hasModel) => Refinement.Resolve(Steps, Levels, LevelSteps, hasModel, LevelSmoothness);
}

/// <summary>
/// Instance-specific optimisation per pair, as applying and evaluating a model ask for it: steps on the network's working
/// grid (setting <c>refine</c>), then finer levels (setting <c>levels</c>, spacings in mm) of at most <c>level_steps</c>
/// steps each, stopped early when the similarity stops improving (<see cref="RefinementPyramid"/>).
/// </summary>
public static class Refinement
{
    /// <summary>
    /// Instance-specific optimisation steps on the working grid by default: on the held-out bench pairs 10 steps took a
    /// 1000-step VoxelMorph from Dice 0.633 to 0.728 for +0.7 s per pair (bench/RESULTS.md); the reference's register script uses none.
    /// </summary>
    public const int DefaultSteps = 10;

    /// <summary>The finer levels by default (mm), chosen on synthesized tuning pairs (bench/registration/tune.sh, bench/RESULTS.md).</summary>
    public static readonly double[] DefaultLevels = [2];

    /// <summary>At most this many steps per finer level by default (early stopping usually ends a level sooner).</summary>
    public const int DefaultLevelSteps = 30;

    /// <summary>The factor on the method's smoothness weight at the finer levels by default.</summary>
    public const double DefaultLevelSmoothness = 1.0;

    /// <summary>
    /// The refinement asked for, or null for none. <paramref name="steps"/>: on the working grid (null: the default with a
    /// model); <paramref name="levels"/>: the finer spacings in mm (null: the default; a single 0: none);
    /// <paramref name="levelSteps"/>: the most steps per finer level; <paramref name="levelSmoothness"/>: the factor on the
    /// method's smoothness weight there (null: the defaults).
    /// </summary>
    public static RefinementPlan? Resolve(int? steps, double[]? levels, int? levelSteps, bool hasModel, double? levelSmoothness = null)
    {
        if (levelSmoothness is { } f && !(f >= 0 && double.IsFinite(f))) throw new SettingException("level_smoothness", $"expected zero or more, got {f}");
        if (steps < 0) throw new SettingException("refine", $"expected zero or more steps, got {steps}");
        if (levelSteps < 1) throw new SettingException("level_steps", $"expected a positive number, got {levelSteps}");
        var explicitLevels = levels is not null && !(levels is [0]);
        if (!hasModel)
        {
            if (steps > 0) throw new SettingException("refine", "needs a model (the affine alone has no field to refine)");
            if (explicitLevels) throw new SettingException("levels", "needs a model (the affine alone has no field to refine)");
            return null;
        }
        var spacings = levels is [0] ? [] : levels ?? DefaultLevels;
        for (var i = 0; i < spacings.Length; i++)
            if (!(spacings[i] > 0) || (i > 0 && spacings[i] >= spacings[i - 1]))
                throw new SettingException("levels", $"expected positive spacings in mm, coarse to fine (or a single 0 for none), got {string.Join(" ", spacings)}");
        var plan = new RefinementPlan(steps ?? DefaultSteps, [.. spacings.Select(s => new PyramidLevel(s, levelSteps ?? DefaultLevelSteps, levelSmoothness ?? DefaultLevelSmoothness))]);
        return plan.IsEmpty ? null : plan;
    }
}
