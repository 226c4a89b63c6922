using LabelFree.Core.Randomness;
using static TorchSharp.torch;

namespace LabelFree.Core.Training;

/// <summary>A model and its objective, as the <see cref="Trainer{TBatch}"/> sees it.</summary>
public interface ITrainable<in TBatch>
{
    /// <summary>The network whose parameters are optimised (and whose state is checkpointed).</summary>
    nn.Module Network { get; }

    /// <summary>The loss of one batch, in the caller's dispose scope.</summary>
    LossOutput Loss(TBatch batch, TrainingStep at);
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
