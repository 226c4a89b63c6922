using LabelFree.Core.Training;
using LabelFree.Learning.Registration;
using static TorchSharp.torch;

namespace LabelFree.Learning.Methods.Deformable;

/// <summary>What one pass of a deformable network gives: the moved image, the displacement and the field the smoothness loss sees.</summary>
/// <param name="Moved">(B, 1, *S) the moving image warped onto the fixed one.</param>
/// <param name="Flow">(B, D, *S) displacement in voxels (tensor axis order).</param>
/// <param name="Velocity">(B, D, *S) pre-integration field (equals <paramref name="Flow"/> without integration).</param>
public sealed record DeformableOutput(Tensor Moved, Tensor Flow, Tensor Velocity);

/// <summary>A deformable method's config: the working grid its network runs on.</summary>
public interface IDeformableConfig<out TSelf> : IMethodConfig<TSelf>
{
    RegistrationGrid Grid { get; }
}

/// <summary>
/// What VoxelMorph and MICDIR share beyond the method template: training on pair sources (indexed or streamed), and
/// prediction on the working grid with optional instance-specific optimisation. A method supplies its loss, one forward
/// pass to the full-resolution output, and the loss that refinement uses.
/// </summary>
public abstract class DeformableModel<TSelf, TConfig, TNet>(TConfig config, TNet net, Device device)
    : MethodModel<TSelf, TConfig, TNet, RegistrationBatch>(config, net, device), IDeformableModel
    where TSelf : DeformableModel<TSelf, TConfig, TNet>, IMethodDefinition<TSelf, TConfig, TNet>
    where TConfig : IDeformableConfig<TConfig>
    where TNet : nn.Module
{
    public RegistrationGrid Grid => Config.Grid;

    /// <summary>One pass: (B, 1, *S) moving and fixed -> the full-resolution moved image, flow and velocity.</summary>
    protected abstract DeformableOutput Forward(Tensor moving, Tensor fixedImage);

    /// <summary>The loss that <see cref="InstanceOptimisation"/> minimises on one pair.</summary>
    public abstract RefinementLoss Refinement { get; }

    public TrainingResult Fit(IBatchSource<RegistrationBatch> train, IBatchSource<RegistrationBatch>? validation, TrainingRun run) => Train(train, validation, run);

    public TrainingResult Fit(IBatchStream<RegistrationBatch> train, IBatchSource<RegistrationBatch>? validation, TrainingRun run) => Train(train, validation, run);

    public float[] PredictFlow(float[] fixedImage, float[] moving, InstanceOptions? refine = null)
    {
        Net.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var size = Grid.TensorSize;
        var f = tensor(fixedImage, [1, 1, .. size]).to(Device);  // (1, 1, *S)
        var m = tensor(moving, [1, 1, .. size]).to(Device);
        var output = Forward(m, f);                                // flow (1, D, *S), tensor axis order
        if (refine is not { Steps: > 0 }) return FlowArrays.ToGridOrder(output.Flow);
        var loss = Refinement;
        return FlowArrays.ToGridOrder(InstanceOptimisation.Refine(output.Velocity, f, m, loss.Similarity, loss.SmoothnessWeight,
            loss.IntegrationSteps, loss.IntegrationDownsize, refine));
    }

    public Tensor PredictVelocity(Tensor fixedImage, Tensor moving)
    {
        Net.eval();
        using var noGrad = no_grad();
        return Forward(moving.to(Device), fixedImage.to(Device)).Velocity.detach();
    }
}
