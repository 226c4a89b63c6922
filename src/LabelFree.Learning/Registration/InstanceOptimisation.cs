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

/// <summary>What instance-specific optimisation needs of a method: its similarity (weighted, lower is better), smoothness weight and integration.</summary>
public sealed record RefinementLoss(Func<Tensor, Tensor, Tensor> Similarity, double SmoothnessWeight, int IntegrationSteps, int IntegrationDownsize);

/// <summary>
/// Stops an optimisation early when the similarity improved by less than <see cref="Tolerance"/> (relative to its value)
/// over the last <see cref="Patience"/> steps.
/// </summary>
public sealed record EarlyStopping(double Tolerance, int Patience);

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
        var loss = new RefinementLoss(similarity, smoothnessWeight, integrationSteps, downsize);
        var (refined, _) = Optimise(SpatialTransformer.ResizeField(velocity.detach(), IntegrationSize(full, loss)), fixedImage, moving, loss, smoothnessWeight, options);
        using var noGrad = no_grad();
        return Displacement(refined, integrationSteps, full);
    }

    /// <summary>The grid the velocity is integrated (and refined) on: 1/downsize of <paramref name="full"/>, or the full grid without integration.</summary>
    public static long[] IntegrationSize(long[] full, RefinementLoss loss) =>
        loss.IntegrationSteps == 0 ? full : full.Select(s => Math.Max(1, s / loss.IntegrationDownsize)).ToArray();

    /// <summary>
    /// Adam on the velocity <paramref name="start"/> (at the integration grid) for up to <paramref name="options"/>.Steps steps of
    /// similarity(fixed, warped moving) + <paramref name="smoothnessWeight"/> * gradient(velocity), the images on their own (finer) grid.
    /// </summary>
    /// <returns>The refined velocity (detached, in the caller's dispose scope) and the steps run.</returns>
    public static (Tensor Velocity, int Steps) Optimise(Tensor start, Tensor fixedImage, Tensor moving, RefinementLoss loss, double smoothnessWeight,
        InstanceOptions options, EarlyStopping? stopping = null)
    {
        var full = fixedImage.shape[2..];
        var history = new List<double>();
        using (var enableGrad = enable_grad())
        using (var field = nn.Parameter(start.detach().clone()))
        using (var optimizer = optim.Adam([field], options.LearningRate))
        {
            var step = 0;
            while (step < options.Steps)
            {
                using var region = NoCollectionRegion.Enter();
                using var scope = NewDisposeScope();
                optimizer.zero_grad();
                var moved = SpatialTransformer.Warp(moving, Displacement(field, loss.IntegrationSteps, full));
                var similarity = loss.Similarity(fixedImage, moved);
                (similarity + smoothnessWeight * RegistrationLosses.Gradient(field)).backward();
                optimizer.step();
                step++;
                if (stopping is null) continue;
                history.Add(similarity.item<float>());
                if (history.Count > stopping.Patience)
                {
                    var before = history[^(stopping.Patience + 1)];
                    if (before - history[^1] < stopping.Tolerance * Math.Abs(before)) break;
                }
            }
            return (field.detach().clone(), step);
        }
    }

    /// <summary>The displacement on the grid <paramref name="full"/> of a field at the integration resolution (scaling and squaring unless 0 steps).</summary>
    public static Tensor Displacement(Tensor field, int integrationSteps, long[] full)
    {
        var integrated = integrationSteps == 0 ? field : SpatialTransformer.Integrate(field, integrationSteps);
        return SpatialTransformer.ResizeField(integrated, full);
    }
}
