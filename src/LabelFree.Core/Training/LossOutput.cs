using static TorchSharp.torch;

namespace LabelFree.Core.Training;

/// <summary>A method's loss for one batch: the scalar that is minimised and its named terms (for logging only).</summary>
public sealed record LossOutput(Tensor Total, IReadOnlyDictionary<string, Tensor> Terms)
{
    public LossOutput(Tensor total) : this(total, new Dictionary<string, Tensor>()) { }
}

public enum TrainingPhase
{
    /// <summary>An optimizer step: the network is in training mode and gradients are taken.</summary>
    Train,

    /// <summary>A validation pass: evaluation mode, no gradients, nothing changes.</summary>
    Validation,
}

/// <summary>Where training stands when a loss is computed (for schedules inside a loss, such as KL warm-up).</summary>
/// <param name="Step">Zero-based global step.</param>
/// <param name="Epoch">Zero-based epoch (0 throughout for streamed data).</param>
/// <param name="TotalSteps">Steps the run will take if it is not stopped early.</param>
/// <param name="StepsPerEpoch">Optimizer steps in one pass over the training data (the whole run for streamed data).</param>
/// <param name="Phase">Whether this loss trains or validates.</param>
/// <param name="Scalars">This step's values of the options' named schedules (<see cref="TrainerOptions.Schedules"/>).</param>
public readonly record struct TrainingStep(long Step, int Epoch, long TotalSteps, int StepsPerEpoch, TrainingPhase Phase = TrainingPhase.Train,
    IReadOnlyDictionary<string, double>? Scalars = null)
{
    /// <summary>This step's value of the named schedule; the method's training options must define it.</summary>
    public double Scalar(string name) =>
        Scalars is not null && Scalars.TryGetValue(name, out var value) ? value
            : throw new InvalidOperationException($"the training options define no schedule named '{name}'");
}
