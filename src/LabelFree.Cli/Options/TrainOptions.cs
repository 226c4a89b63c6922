using System.CommandLine;
using System.Globalization;
using LabelFree.Core.Training;

namespace LabelFree.Cli.Options;

/// <summary>Which training flags a command offers.</summary>
[Flags]
public enum TrainFlags
{
    Epochs = 1,
    Steps = 2,
    BatchSize = 4,
    LearningRate = 8,
    Resume = 16,
    All = Epochs | Steps | BatchSize | LearningRate | Resume,
}

/// <summary>
/// The training flags a train command shares: <c>--epochs</c>, <c>--steps</c>, <c>--batch-size</c>, <c>--lr</c>,
/// <c>--resume</c>, each checked here (positive, finite) and applied over the method's own <c>DefaultTraining</c>,
/// whose values the help shows. A command declares only what is its own.
/// </summary>
public sealed class TrainOptions
{
    private readonly Option<int?>? _epochs;
    private readonly Option<long?>? _steps;
    private readonly Option<int?>? _batchSize;
    private readonly Option<double?>? _learningRate;
    private readonly Option<bool>? _resume;

    /// <param name="defaults">The method's default training, for the help text.</param>
    /// <param name="learningRateNote">What the help adds about the learning rate (for example the reference's value).</param>
    public TrainOptions(TrainerOptions defaults, TrainFlags flags = TrainFlags.All, string? epochsNote = null, string? learningRateNote = null)
    {
        if (flags.HasFlag(TrainFlags.Epochs))
            _epochs = new Option<int?>("--epochs") { Description = epochsNote ?? $"Passes over the training data (default {defaults.Epochs})" }.Positive().Sets("epochs");
        if (flags.HasFlag(TrainFlags.Steps))
        {
            var steps = defaults.MaxSteps is { } s ? $"default {s}" : "overrides --epochs";
            _steps = new Option<long?>("--steps") { Description = $"Optimizer steps ({steps})" }.Positive().Sets("max_steps");
        }
        if (flags.HasFlag(TrainFlags.BatchSize))
            _batchSize = new Option<int?>("--batch-size") { Description = $"Samples per step (default {defaults.BatchSize})" }.Positive().Sets("batch_size");
        if (flags.HasFlag(TrainFlags.LearningRate))
        {
            var rate = defaults.LearningRate.ToString("G3", CultureInfo.InvariantCulture);
            _learningRate = new Option<double?>("--lr") { Description = $"{defaults.Optimizer} learning rate (default {rate}{(learningRateNote is null ? "" : "; " + learningRateNote)})" }
                .PositiveFinite().Sets("learning_rate");
        }
        if (flags.HasFlag(TrainFlags.Resume))
            _resume = new Option<bool>("--resume") { Description = "Continue a killed run in --out from its last checkpoint" };
    }

    public void AddTo(Command command)
    {
        foreach (var option in new Option?[] { _epochs, _steps, _batchSize, _learningRate, _resume }.OfType<Option>()) command.Options.Add(option);
    }

    /// <summary>The flags as given; <see cref="TrainSettings.ApplyTo"/> puts them over a method's defaults.</summary>
    public TrainSettings Read(ParseResult result) => new(
        _epochs is null ? null : result.GetValue(_epochs),
        _steps is null ? null : result.GetValue(_steps),
        _batchSize is null ? null : result.GetValue(_batchSize),
        _learningRate is null ? null : result.GetValue(_learningRate),
        _resume is not null && result.GetValue(_resume));
}

/// <summary>The training flags as given (null: not given, keep the method's default).</summary>
public sealed record TrainSettings(int? Epochs = null, long? Steps = null, int? BatchSize = null, double? LearningRate = null, bool Resume = false)
{
    /// <summary><paramref name="defaults"/> with the given values in place of its own.</summary>
    public TrainerOptions ApplyTo(TrainerOptions defaults) => defaults with
    {
        Epochs = Epochs ?? defaults.Epochs,
        MaxSteps = Steps ?? defaults.MaxSteps,
        BatchSize = BatchSize ?? defaults.BatchSize,
        LearningRate = LearningRate ?? defaults.LearningRate,
    };
}
