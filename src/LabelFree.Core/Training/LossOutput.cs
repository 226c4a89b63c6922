using static TorchSharp.torch;

namespace LabelFree.Core.Training;

/// <summary>A method's loss for one batch: the scalar that is minimised and its named terms (for logging only).</summary>
public sealed record LossOutput(Tensor Total, IReadOnlyDictionary<string, Tensor> Terms)
{
    public LossOutput(Tensor total) : this(total, new Dictionary<string, Tensor>()) { }
}

/// <summary>Where training stands when a loss is computed (for schedules inside a loss, such as KL warm-up).</summary>
/// <param name="Step">Zero-based global step.</param>
/// <param name="Epoch">Zero-based epoch.</param>
/// <param name="TotalSteps">Steps the run will take if it is not stopped early.</param>
/// <param name="StepsPerEpoch">Optimizer steps in one pass over the training data.</param>
public readonly record struct TrainingStep(long Step, int Epoch, long TotalSteps, int StepsPerEpoch);
