namespace LabelFree.Core.Training;

public enum ScheduleShape
{
    /// <summary>Stays at <see cref="ScalarSchedule.Start"/> after the warm-up.</summary>
    Constant,

    /// <summary>A straight line from <see cref="ScalarSchedule.Start"/> to <see cref="ScalarSchedule.End"/> after the warm-up.</summary>
    Linear,

    /// <summary>Half a cosine from <see cref="ScalarSchedule.Start"/> to <see cref="ScalarSchedule.End"/> after the warm-up.</summary>
    Cosine,
}

/// <summary>
/// A scalar that changes with the training step: a learning rate, DINO's teacher momentum (cosine 0.996 to 1) or
/// teacher temperature (warm-up 0.04 to 0.07, then constant), a weight decay (cosine 0.04 to 0.4).
/// During the first <see cref="WarmupSteps"/> steps it rises linearly from <see cref="WarmupFrom"/> towards
/// <see cref="Start"/> (reaching it at the last warm-up step); then it follows <see cref="Shape"/> from
/// <see cref="Start"/> to <see cref="End"/> over the remaining steps.
/// </summary>
public sealed record ScalarSchedule(double Start, double End, ScheduleShape Shape = ScheduleShape.Cosine, long WarmupSteps = 0, double WarmupFrom = 0)
{
    /// <summary>A value that never changes.</summary>
    public static ScalarSchedule Fixed(double value) => new(value, value, ScheduleShape.Constant);

    /// <summary>The value at zero-based <paramref name="step"/> of a run of <paramref name="totalSteps"/>.</summary>
    public double At(long step, long totalSteps)
    {
        if (step < WarmupSteps) return WarmupFrom + (Start - WarmupFrom) * (step + 1) / WarmupSteps;
        if (Shape == ScheduleShape.Constant) return Start;
        var decaySteps = Math.Max(1, totalSteps - WarmupSteps);
        var progress = Math.Clamp((double)(step - WarmupSteps) / decaySteps, 0, 1);
        return Shape == ScheduleShape.Linear
            ? Start + (End - Start) * progress
            : End + (Start - End) * 0.5 * (1 + Math.Cos(Math.PI * progress));
    }

    /// <summary>Checks the numbers; <paramref name="name"/> names the schedule in the message.</summary>
    public ScalarSchedule Validate(string name)
    {
        if (!double.IsFinite(Start) || !double.IsFinite(End) || !double.IsFinite(WarmupFrom))
            throw new Errors.SettingException(name, $"expected finite numbers, got start {Start}, end {End}, warm-up from {WarmupFrom}");
        if (WarmupSteps < 0) throw new Errors.SettingException(name, $"expected zero or more warm-up steps, got {WarmupSteps}");
        return this;
    }
}
