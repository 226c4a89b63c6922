using LabelFree.Core.Errors;

namespace LabelFree.Core.Training;

public enum OptimizerKind
{
    Adam,

    /// <summary>Adam with decoupled weight decay (Loshchilov and Hutter 2019).</summary>
    AdamW,

    /// <summary>Stochastic gradient descent with <see cref="TrainerOptions.Momentum"/> (PyTorch's form: v = m v + g; w -= lr v).</summary>
    Sgd,

    /// <summary>
    /// LARS (You et al. 2017) as SimCLR uses it: for each parameter of a group with weight decay, g' = g + wd w is
    /// scaled by the trust ratio eta ||w|| / ||g'|| and then applied by SGD with momentum; groups without weight decay
    /// (biases, norms) get neither decay nor adaptation. Deviation: the learning rate multiplies the momentum buffer
    /// (PyTorch's SGD) instead of entering it (SimCLR's TensorFlow LARS); the two agree while the rate is constant.
    /// </summary>
    Lars,
}

public enum LearningRateSchedule
{
    /// <summary>Linear warm-up, then constant.</summary>
    Constant,

    /// <summary>Linear warm-up, then half a cosine down to <see cref="TrainerOptions.MinLearningRateFraction"/> of the peak.</summary>
    Cosine,

    /// <summary>Linear warm-up, then a straight line down to <see cref="TrainerOptions.MinLearningRateFraction"/> of the peak (BERT's).</summary>
    Linear,
}

/// <summary>
/// How to train: length, optimiser, schedules, clipping, accumulation, validation, checkpoints. Defaults suit small CPU
/// runs; each method's <c>DefaultTraining</c> gives its paper's.
/// </summary>
public sealed record TrainerOptions
{
    /// <summary>The name under which <see cref="Schedules"/> may hold a weight-decay schedule; the Trainer applies it.</summary>
    public const string WeightDecaySchedule = "weight_decay";

    public long Seed { get; init; }
    public int Epochs { get; init; } = 10;

    /// <summary>Stop after this many optimizer steps (overrides <see cref="Epochs"/> when set; needed for streamed data).</summary>
    public long? MaxSteps { get; init; }

    /// <summary>Samples per forward pass; an optimizer step sees <see cref="BatchSize"/> x <see cref="AccumulationSteps"/>.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Forward and backward passes whose gradients add up before each optimizer step (gradient accumulation).</summary>
    public int AccumulationSteps { get; init; } = 1;

    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;
    public double LearningRate { get; init; } = 1e-3;
    public double Beta1 { get; init; } = 0.9;
    public double Beta2 { get; init; } = 0.999;
    public double AdamEpsilon { get; init; } = 1e-8;

    /// <summary>Weight decay of the parameter groups that take it (Adam: L2 in the gradient; AdamW: decoupled; LARS: before the trust ratio).</summary>
    public double WeightDecay { get; init; }

    /// <summary>SGD and LARS momentum.</summary>
    public double Momentum { get; init; } = 0.9;

    public bool Nesterov { get; init; }

    /// <summary>LARS's trust coefficient eta (SimCLR: 0.001).</summary>
    public double LarsTrustCoefficient { get; init; } = 0.001;

    public LearningRateSchedule Schedule { get; init; } = LearningRateSchedule.Constant;
    public long WarmupSteps { get; init; }
    public double MinLearningRateFraction { get; init; }

    /// <summary>
    /// Named scalars that change with the step, which a method reads through <see cref="TrainingStep.Scalar"/>
    /// (for example DINO's teacher momentum and temperature). One named <see cref="WeightDecaySchedule"/> replaces
    /// <see cref="WeightDecay"/> at every step.
    /// </summary>
    public IReadOnlyDictionary<string, ScalarSchedule>? Schedules { get; init; }

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

    /// <summary>Throws a <see cref="SettingException"/> naming the first bad field.</summary>
    public TrainerOptions Validate()
    {
        Require(Epochs > 0, "epochs", Epochs, "a positive number");
        Require(MaxSteps is null or > 0, "max_steps", MaxSteps, "a positive number");
        Require(BatchSize > 0, "batch_size", BatchSize, "a positive number");
        Require(AccumulationSteps > 0, "accumulation_steps", AccumulationSteps, "a positive number");
        Require(LearningRate > 0 && double.IsFinite(LearningRate), "learning_rate", LearningRate, "a positive number");
        Require(Beta1 is >= 0 and < 1, "beta1", Beta1, "a number in [0, 1)");
        Require(Beta2 is >= 0 and < 1, "beta2", Beta2, "a number in [0, 1)");
        Require(AdamEpsilon > 0, "adam_epsilon", AdamEpsilon, "a positive number");
        Require(WeightDecay >= 0 && double.IsFinite(WeightDecay), "weight_decay", WeightDecay, "zero or more");
        Require(Momentum is >= 0 and < 1, "momentum", Momentum, "a number in [0, 1)");
        Require(!Nesterov || Momentum > 0, "nesterov", Nesterov, "momentum above 0 for Nesterov momentum");
        Require(LarsTrustCoefficient > 0 && double.IsFinite(LarsTrustCoefficient), "lars_trust_coefficient", LarsTrustCoefficient, "a positive number");
        Require(WarmupSteps >= 0, "warmup_steps", WarmupSteps, "zero or more");
        Require(MinLearningRateFraction is >= 0 and <= 1, "min_learning_rate_fraction", MinLearningRateFraction, "a number in [0, 1]");
        Require(GradientClipNorm is null or > 0, "gradient_clip_norm", GradientClipNorm, "a positive number");
        Require(ValidateEverySteps is null or > 0, "validate_every_steps", ValidateEverySteps, "a positive number");
        Require(EarlyStoppingPatience >= 0, "early_stopping_patience", EarlyStoppingPatience, "zero or more");
        Require(CheckpointEverySteps is null or > 0, "checkpoint_every_steps", CheckpointEverySteps, "a positive number");
        Require(KeepCheckpoints > 0, "keep_checkpoints", KeepCheckpoints, "a positive number");
        Require(LogEverySteps > 0, "log_every_steps", LogEverySteps, "a positive number");
        foreach (var (name, schedule) in Schedules ?? new Dictionary<string, ScalarSchedule>()) schedule.Validate($"training schedule {name}");
        return this;
    }

    /// <summary>The learning-rate schedule these options describe.</summary>
    public ScalarSchedule LearningRateScheduleOf() => Schedule switch
    {
        LearningRateSchedule.Constant => new ScalarSchedule(LearningRate, LearningRate, ScheduleShape.Constant, WarmupSteps),
        LearningRateSchedule.Linear => new ScalarSchedule(LearningRate, LearningRate * MinLearningRateFraction, ScheduleShape.Linear, WarmupSteps),
        _ => new ScalarSchedule(LearningRate, LearningRate * MinLearningRateFraction, ScheduleShape.Cosine, WarmupSteps),
    };

    /// <summary>The learning rate at zero-based <paramref name="step"/> of <paramref name="totalSteps"/>.</summary>
    public double LearningRateAt(long step, long totalSteps) => LearningRateScheduleOf().At(step, totalSteps);

    /// <summary>The weight decay at <paramref name="step"/>: its schedule when there is one, else <see cref="WeightDecay"/>.</summary>
    public double WeightDecayAt(long step, long totalSteps) =>
        Schedules?.GetValueOrDefault(WeightDecaySchedule) is { } schedule ? schedule.At(step, totalSteps) : WeightDecay;

    private static void Require(bool ok, string field, object? value, string expected)
    {
        if (!ok) throw new SettingException(field, $"expected {expected}, got {value}", label: $"training option {field}");
    }
}
