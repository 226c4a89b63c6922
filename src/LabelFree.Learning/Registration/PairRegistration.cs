using System.Diagnostics;
using LabelFree.Data.Imaging;
using static TorchSharp.torch;

namespace LabelFree.Learning.Registration;

/// <summary>One registered pair on the fixed image's full grid.</summary>
/// <param name="Field">Fixed world point -> moving world point, as a displacement in mm.</param>
/// <param name="Warped">The moving image's original intensities warped onto the fixed grid.</param>
/// <param name="WarpedLabels">The moving labels warped with the same transform (nearest neighbour), when given.</param>
/// <param name="FixedToMoving">The affine part (world to world).</param>
/// <param name="Seconds">Wall time of affine + network + composition + warping (not reading or writing files).</param>
public sealed record RegisteredPair(DisplacementField Field, float[] Warped, float[]? WarpedLabels, double[] FixedToMoving, double Seconds);

/// <summary>
/// Registers a pair at the fixed image's resolution: affine pre-alignment (or a given affine), then the learned model on
/// its brain-centred working grid, the working-grid displacement interpolated to the full fixed grid and composed with
/// the affine, and the moving image (and labels) warped once through the composed transform. Optionally the network's
/// field is refined on the pair first (instance-specific optimisation).
/// </summary>
public static class PairRegistration
{
    /// <param name="model">The deformable model; null registers with the affine alone.</param>
    /// <param name="affine">How to fit the affine; ignored when <paramref name="givenAffine"/> is set.</param>
    /// <param name="givenAffine">A known fixed-to-moving world affine to compose instead of fitting one.</param>
    /// <param name="refine">Instance-specific optimisation of the network's field on this pair (<see cref="InstanceOptimisation"/>), or null.</param>
    public static RegisteredPair Run(IFlowPredictor? model, NiftiImage fixedImage, bool[] fixedMask, NiftiImage moving, bool[] movingMask,
        NiftiImage? movingLabels, AffineOptions? affine, double[]? givenAffine, Device device, InstanceOptions? refine = null)
    {
        var clock = Stopwatch.StartNew();
        var fixedToMoving = givenAffine
            ?? (affine is null ? Affine.Identity() : AffineRegistration.Register(fixedImage, fixedMask, moving, movingMask, affine, device).FixedToMoving);
        float[]? flow = null;
        int[] gridShape = [1, 1, 1];
        var gridAffine = Affine.Identity();
        if (model is not null)
        {
            (var fixedGrid, var movingGrid, gridShape, gridAffine) = OnWorkingGrid(model.Grid, fixedImage, fixedMask, moving, movingMask, fixedToMoving);
            flow = model.PredictFlow(fixedGrid, movingGrid, refine);
        }
        var field = DisplacementField.Compose(fixedImage, flow, gridShape, gridAffine, fixedToMoving);
        var warped = field.Warp(moving, Interpolation.Linear);
        var labels = movingLabels is null ? null : field.Warp(movingLabels, Interpolation.Nearest);
        return new RegisteredPair(field, warped, labels, fixedToMoving, clock.Elapsed.TotalSeconds);
    }

    /// <summary>Both images normalised and sampled on the model's working grid around the fixed brain (the moving one through the affine).</summary>
    public static (float[] Fixed, float[] Moving, int[] Shape, double[] GridAffine) OnWorkingGrid(RegistrationGrid grid, NiftiImage fixedImage, bool[] fixedMask,
        NiftiImage moving, bool[] movingMask, double[] fixedToMoving)
    {
        if (grid.Dims != 3) throw new Core.Errors.UserInputException("this model works on 2-D slices; registering NIfTI volumes needs a 3-D model");
        var shape = grid.Shape.ToArray();
        var gridAffine = WorkingGrid.Around(fixedImage, fixedMask, shape, grid.SpacingMm);
        var fixedGrid = WorkingGrid.Sample(WorkingGrid.Normalise(fixedImage, fixedMask), shape, gridAffine);
        var movingGrid = WorkingGrid.Sample(WorkingGrid.Normalise(moving, movingMask), shape, gridAffine, fixedToMoving);
        return (fixedGrid, movingGrid, shape, gridAffine);
    }
}
