using LabelFree.Core.Randomness;
using static TorchSharp.torch;

namespace LabelFree.Core.Training;

/// <summary>
/// A model and its objective, as the <see cref="Trainer{TBatch}"/> sees it. Only <see cref="Network"/> and
/// <see cref="Loss"/> are required; the other members are extension points with do-nothing defaults.
/// </summary>
public interface ITrainable<in TBatch>
{
    /// <summary>The network whose parameters are optimised (and whose state is checkpointed).</summary>
    nn.Module Network { get; }

    /// <summary>The loss of one batch, in the caller's dispose scope. <see cref="TrainingStep.Phase"/> tells training from validation.</summary>
    LossOutput Loss(TBatch batch, TrainingStep at);

    /// <summary>
    /// The parameters to optimise, in groups (for example without weight decay for biases and norms:
    /// <see cref="ParameterGroup.SplitByDecay"/>). Default: every parameter that requires a gradient, in one group.
    /// </summary>
    IReadOnlyList<ParameterGroup> ParameterGroups() => [ParameterGroup.All(Network)];

    /// <summary>Runs after each optimizer step, without gradients: update an EMA teacher or EMA weights (<see cref="Ema"/>).</summary>
    void AfterStep(TrainingStep at) { }

    /// <summary>State beyond the network's weights that a checkpoint must hold (an EMA teacher, DINO's centre), by name.</summary>
    IReadOnlyDictionary<string, Tensor> CheckpointState() => new Dictionary<string, Tensor>();

    /// <summary>Puts back what <see cref="CheckpointState"/> saved, when a run resumes.</summary>
    void RestoreCheckpointState(IReadOnlyDictionary<string, Tensor> state) { }

    /// <summary>Method metrics reported beside the validation loss (kNN or probe accuracy), computed in evaluation mode.</summary>
    IReadOnlyDictionary<string, double> ValidationMetrics(TrainingStep at) => new Dictionary<string, double>();
}

/// <summary>
/// Training or validation samples, addressed by index. <see cref="Load"/> builds one batch of tensors on the training
/// device in the caller's dispose scope; its random source drives any augmentation, so the same step always
/// sees the same batch.
/// </summary>
public interface IBatchSource<out TBatch>
{
    int Count { get; }

    TBatch Load(ReadOnlySpan<int> indices, Rng rng);
}

/// <summary>
/// Training samples without a fixed count (random deformations, windows drawn from long records, a mix of sources):
/// each step draws its batch from the step's random stream, so a resumed run sees the same batches.
/// </summary>
public interface IBatchStream<out TBatch>
{
    TBatch Next(int batchSize, Rng rng);
}
