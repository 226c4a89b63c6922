using LabelFree.Core.Errors;

namespace LabelFree.Core.Training;

public enum OptimizerKind
{
    Adam,
    AdamW,
}

public enum LearningRateSchedule
{
    /// <summary>Linear warm-up, then constant.</summary>
    Constant,

    /// <summary>Linear warm-up, then half a cosine down to <see cref="TrainerOptions.MinLearningRateFraction"/> of the peak.</summary>
    Cosine,
}

/// <summary>How to train: length, optimiser, schedule, clipping, validation, checkpoints. Defaults suit small CPU runs.</summary>
public sealed record TrainerOptions
{
    public long Seed { get; init; }
    public int Epochs { get; init; } = 10;

    /// <summary>Stop after this many optimizer steps (overrides <see cref="Epochs"/> when set).</summary>
    public long? MaxSteps { get; init; }

    public int BatchSize { get; init; } = 32;
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;
    public double LearningRate { get; init; } = 1e-3;
    public double Beta1 { get; init; } = 0.9;
    public double Beta2 { get; init; } = 0.999;
    public double AdamEpsilon { get; init; } = 1e-8;
    public double WeightDecay { get; init; }
    public LearningRateSchedule Schedule { get; init; } = LearningRateSchedule.Constant;
    public long WarmupSteps { get; init; }
    public double MinLearningRateFraction { get; init; }

    /// <summary>Clip the global gradient norm to this value; null leaves gradients alone (their norm is still logged).</summary>
    public double? GradientClipNorm { get; init; }

    /// <summary>Validate every this many steps; null validates once per epoch.</summary>
    public long? ValidateEverySteps { get; init; }

    /// <summary>Stop when the validation loss has not improved for this many validations; 0 never stops early.</summary>
    public int EarlyStoppingPatience { get; init; }

    /// <summary>At the end, put back the weights of the best validation (when there is validation data).</summary>
    public bool RestoreBestWeights { get; init; } = true;

    /// <summary>Checkpoint every this many steps (and always at the end); null checkpoints once per epoch.</summary>
    public long? CheckpointEverySteps { get; init; }

    public int KeepCheckpoints { get; init; } = 2;

    /// <summary>Write a metrics.jsonl line (mean loss since the last line) every this many steps.</summary>
    public int LogEverySteps { get; init; } = 10;

    /// <summary>Throws a <see cref="UserInputException"/> naming the first bad field.</summary>
    public TrainerOptions Validate()
    {
        Require(Epochs > 0, "epochs", Epochs, "a positive number");
        Require(MaxSteps is null or > 0, "max_steps", MaxSteps, "a positive number");
        Require(BatchSize > 0, "batch_size", BatchSize, "a positive number");
        Require(LearningRate > 0 && double.IsFinite(LearningRate), "learning_rate", LearningRate, "a positive number");
        Require(Beta1 is >= 0 and < 1, "beta1", Beta1, "a number in [0, 1)");
        Require(Beta2 is >= 0 and < 1, "beta2", Beta2, "a number in [0, 1)");
        Require(AdamEpsilon > 0, "adam_epsilon", AdamEpsilon, "a positive number");
        Require(WeightDecay >= 0, "weight_decay", WeightDecay, "zero or more");
        Require(WarmupSteps >= 0, "warmup_steps", WarmupSteps, "zero or more");
        Require(MinLearningRateFraction is >= 0 and <= 1, "min_learning_rate_fraction", MinLearningRateFraction, "a number in [0, 1]");
        Require(GradientClipNorm is null or > 0, "gradient_clip_norm", GradientClipNorm, "a positive number");
        Require(ValidateEverySteps is null or > 0, "validate_every_steps", ValidateEverySteps, "a positive number");
        Require(EarlyStoppingPatience >= 0, "early_stopping_patience", EarlyStoppingPatience, "zero or more");
        Require(CheckpointEverySteps is null or > 0, "checkpoint_every_steps", CheckpointEverySteps, "a positive number");
        Require(KeepCheckpoints > 0, "keep_checkpoints", KeepCheckpoints, "a positive number");
        Require(LogEverySteps > 0, "log_every_steps", LogEverySteps, "a positive number");
        return this;
    }

    /// <summary>The learning rate at zero-based <paramref name="step"/> of <paramref name="totalSteps"/>.</summary>
    public double LearningRateAt(long step, long totalSteps)
    {
        if (step < WarmupSteps) return LearningRate * (step + 1) / WarmupSteps;
        if (Schedule == LearningRateSchedule.Constant) return LearningRate;
        var decaySteps = Math.Max(1, totalSteps - WarmupSteps);
        var progress = Math.Clamp((double)(step - WarmupSteps) / decaySteps, 0, 1);
        var floor = LearningRate * MinLearningRateFraction;
        return floor + (LearningRate - floor) * 0.5 * (1 + Math.Cos(Math.PI * progress));
    }

    private static void Require(bool ok, string field, object? value, string expected)
    {
        if (!ok) throw new UserInputException($"training option {field}: expected {expected}, got {value}");
    }
}
