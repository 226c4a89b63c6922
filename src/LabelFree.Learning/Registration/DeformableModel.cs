using LabelFree.Core.Models;
using LabelFree.Core.Progress;
using LabelFree.Core.Training;
using static TorchSharp.torch;

namespace LabelFree.Learning.Registration;

/// <summary>What one pass of a deformable network gives: the moved image, the displacement and the field the smoothness loss sees.</summary>
/// <param name="Moved">(B, 1, *S) the moving image warped onto the fixed one.</param>
/// <param name="Flow">(B, D, *S) displacement in voxels (tensor axis order).</param>
/// <param name="Velocity">(B, D, *S) pre-integration field (equals <paramref name="Flow"/> without integration).</param>
public sealed record DeformableOutput(Tensor Moved, Tensor Flow, Tensor Velocity);

/// <summary>What instance-specific optimisation needs of a method: its similarity (weighted, lower is better), smoothness weight and integration.</summary>
public sealed record RefinementLoss(Func<Tensor, Tensor, Tensor> Similarity, double SmoothnessWeight, int IntegrationSteps, int IntegrationDownsize);

/// <summary>
/// What VoxelMorph and MICDIR share as models: the network and its config, training through the <see cref="Trainer{TBatch}"/>,
/// saving, and prediction on the working grid with optional instance-specific optimisation. A method supplies its loss,
/// one forward pass to the full-resolution output, and the loss that refinement uses.
/// </summary>
public abstract class DeformableModel<TConfig, TNet>(TConfig config, TNet net, Device device) : IDeformableModel, ITrainable<RegistrationBatch>
    where TNet : nn.Module
{
    protected TNet Net { get; } = net;

    public TConfig Config { get; } = config;

    public abstract string Method { get; }

    public abstract RegistrationGrid Grid { get; }

    public nn.Module Network => Net;

    public abstract LossOutput Loss(RegistrationBatch batch, TrainingStep at);

    /// <summary>One pass: (B, 1, *S) moving and fixed -> the full-resolution moved image, flow and velocity.</summary>
    protected abstract DeformableOutput Forward(Tensor moving, Tensor fixedImage);

    /// <summary>The loss that <see cref="InstanceOptimisation"/> minimises on one pair.</summary>
    protected abstract RefinementLoss Refinement { get; }

    public TrainingResult Fit(IBatchSource<RegistrationBatch> train, IBatchSource<RegistrationBatch>? validation, TrainerOptions options,
        string? runFolder, IProgressReporter? progress = null, bool resume = false, CancellationToken cancel = default) =>
        new Trainer<RegistrationBatch>(this, options, runFolder, progress).Fit(train, validation, resume, cancel);

    public void Save(string folder, long seed, long step) => ModelFolder.Save(folder, Method, Config, Net, seed, step);

    public float[] PredictFlow(float[] fixedImage, float[] moving, InstanceOptions? refine = null)
    {
        Net.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var size = Grid.TensorSize;
        var f = tensor(fixedImage, [1, 1, .. size]).to(device);  // (1, 1, *S)
        var m = tensor(moving, [1, 1, .. size]).to(device);
        var output = Forward(m, f);                                // flow (1, D, *S), tensor axis order
        if (refine is not { Steps: > 0 }) return FlowArrays.ToGridOrder(output.Flow);
        var loss = Refinement;
        return FlowArrays.ToGridOrder(InstanceOptimisation.Refine(output.Velocity, f, m, loss.Similarity, loss.SmoothnessWeight,
            loss.IntegrationSteps, loss.IntegrationDownsize, refine));
    }

    public void Dispose() => Net.Dispose();
}
