using LabelFree.Core.Errors;
using LabelFree.Core.Training;
using LabelFree.Learning.Nn;
using LabelFree.Learning.Objectives;
using static TorchSharp.torch;

namespace LabelFree.Learning.Registration;

/// <summary>How many Adam steps of instance-specific optimisation to run on one pair, and their learning rate (voxels per step).</summary>
public sealed record InstanceOptions(int Steps, double LearningRate = 0.1)
{
    public InstanceOptions Validate()
    {
        if (Steps < 0) throw new UserInputException($"instance optimisation steps: expected zero or more, got {Steps}");
        if (!(LearningRate > 0)) throw new UserInputException($"instance optimisation learning rate: expected a positive number, got {LearningRate}");
        return this;
    }
}

/// <summary>
/// VoxelMorph's instance-specific optimisation (Balakrishnan et al., IEEE TMI 2019; reference networks.InstanceDense): the
/// network's velocity field for one pair, at the resolution where it is integrated, becomes a free parameter that Adam
/// refines for a few steps on that pair's own training loss (weighted similarity of fixed and warped moving + smoothness of
/// the velocity). The trained weights are untouched; the network only gives the starting point.
/// Learning rate: the reference multiplies its field parameter by 1000 under Adam at 1e-4, about 0.1 voxel per step; here
/// the field is the parameter and the step size is given in voxels.
/// </summary>
public static class InstanceOptimisation
{
    /// <param name="velocity">(1, D, *S) the network's pre-integration field (displacement when <paramref name="integrationSteps"/> is 0).</param>
    /// <param name="fixedImage">(1, 1, *S) fixed image on the same grid.</param>
    /// <param name="moving">(1, 1, *S) moving image.</param>
    /// <param name="similarity">Weighted similarity loss of (fixed, warped moving), lower is better.</param>
    /// <returns>(1, D, *S) the refined displacement in voxels, in the caller's dispose scope.</returns>
    public static Tensor Refine(Tensor velocity, Tensor fixedImage, Tensor moving, Func<Tensor, Tensor, Tensor> similarity, double smoothnessWeight,
        int integrationSteps, int downsize, InstanceOptions options)
    {
        var full = velocity.shape[2..];
        var small = integrationSteps == 0 ? full : full.Select(s => Math.Max(1, s / downsize)).ToArray();
        using var enableGrad = enable_grad();
        using var field = nn.Parameter(SpatialTransformer.ResizeField(velocity.detach(), small).clone());  // (1, D, *S/downsize)
        using var optimizer = optim.Adam([field], options.LearningRate);
        for (var step = 0; step < options.Steps; step++)
        {
            using var region = NoCollectionRegion.Enter();
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var moved = SpatialTransformer.Warp(moving, Displacement(field, integrationSteps, full));
            var loss = similarity(fixedImage, moved) + smoothnessWeight * RegistrationLosses.Gradient(field);
            loss.backward();
            optimizer.step();
        }
        using var noGrad = no_grad();
        return Displacement(field, integrationSteps, full).detach();
    }

    /// <summary>The displacement at full resolution of a field at the integration resolution.</summary>
    private static Tensor Displacement(Tensor field, int integrationSteps, long[] full)
    {
        var integrated = integrationSteps == 0 ? field : SpatialTransformer.Integrate(field, integrationSteps);
        return SpatialTransformer.ResizeField(integrated, full);
    }
}
