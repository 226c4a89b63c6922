using static TorchSharp.torch;

namespace LabelFree.Learning.Registration;

/// <summary>What registering a pair needs of a learned model: its working grid and a displacement for two images on it.</summary>
public interface IFlowPredictor
{
    RegistrationGrid Grid { get; }

    /// <summary>
    /// The displacement that warps <paramref name="moving"/> onto <paramref name="fixedImage"/> (both on <see cref="Grid"/>,
    /// x fastest): D blocks of <see cref="RegistrationGrid.Voxels"/> values, in voxels, block d along the grid's axis d (x first).
    /// With <paramref name="refine"/>, the network's field is then refined on this pair (<see cref="InstanceOptimisation"/>).
    /// </summary>
    float[] PredictFlow(float[] fixedImage, float[] moving, InstanceOptions? refine = null);

    /// <summary>
    /// The network's pre-integration field (1, D, *S) for (1, 1, *S) images on <see cref="Grid"/>, tensor axis order, in
    /// voxels, in the caller's dispose scope: where <see cref="RefinementPyramid"/> starts.
    /// </summary>
    Tensor PredictVelocity(Tensor fixedImage, Tensor moving);

    /// <summary>The loss that refines this model's field on one pair (its similarity, smoothness weight and integration).</summary>
    RefinementLoss Refinement { get; }
}
