using System.Diagnostics;
using LabelFree.Data.Imaging;
using static TorchSharp.torch;

namespace LabelFree.Learning.Registration;

/// <summary>One registered pair on the fixed image's full grid.</summary>
/// <param name="Field">Fixed world point -> moving world point, as a displacement in mm.</param>
/// <param name="Warped">The moving image's original intensities warped onto the fixed grid.</param>
/// <param name="WarpedLabels">The moving labels warped with the same transform (nearest neighbour), when given.</param>
/// <param name="FixedToMoving">The affine part (world to world).</param>
/// <param name="Seconds">Wall time of affine + network + refinement + composition + warping (not reading or writing files).</param>
/// <param name="Stage">The last stage run: "affine", "network", or the finest refined level ("4 mm", "2 mm"...).</param>
/// <param name="Steps">Refinement steps run at that stage.</param>
public sealed record RegisteredPair(DisplacementField Field, float[] Warped, float[]? WarpedLabels, double[] FixedToMoving, double Seconds, string Stage = "affine",
    int Steps = 0);

/// <summary>
/// Registers a pair at the fixed image's resolution: affine pre-alignment (or a given affine), then the learned model on
/// its brain-centred working grid, optionally refined on the pair (<see cref="RefinementPyramid"/>: on the working grid,
/// then on finer grids over the fixed brain), the last stage's displacement interpolated to the full fixed grid and
/// composed with the affine, and the moving image (and labels) warped once through the composed transform.
/// </summary>
public static class PairRegistration
{
    /// <param name="model">The deformable model; null registers with the affine alone.</param>
    /// <param name="affine">How to fit the affine; ignored when <paramref name="givenAffine"/> is set.</param>
    /// <param name="givenAffine">A known fixed-to-moving world affine to compose instead of fitting one.</param>
    /// <param name="refine">Instance-specific optimisation of the network's field on this pair, or null for the network alone.</param>
    /// <param name="everyStage">
    /// Called with the pair as registered after each stage (the network alone, then each refined level; the last is the
    /// result), each with the seconds up to that stage plus its own composition and warping; the time spent here between
    /// stages is not counted. Null: only the result is composed.
    /// </param>
    public static RegisteredPair Run(IFlowPredictor? model, NiftiImage fixedImage, bool[] fixedMask, NiftiImage moving, bool[] movingMask,
        NiftiImage? movingLabels, AffineOptions? affine, double[]? givenAffine, Device device, RefinementPlan? refine = null, Action<RegisteredPair>? everyStage = null)
    {
        var clock = Stopwatch.StartNew();
        var fixedToMoving = givenAffine
            ?? (affine is null ? Affine.Identity() : AffineRegistration.Register(fixedImage, fixedMask, moving, movingMask, affine, device).FixedToMoving);
        RegisteredPair Finish(float[]? flow, int[] gridShape, double[] gridAffine, string stage, int steps)
        {
            var field = DisplacementField.Compose(fixedImage, flow, gridShape, gridAffine, fixedToMoving);
            var warped = field.Warp(moving, Interpolation.Linear);
            var labels = movingLabels is null ? null : field.Warp(movingLabels, Interpolation.Nearest);
            return new RegisteredPair(field, warped, labels, fixedToMoving, clock.Elapsed.TotalSeconds, stage, steps);
        }
        if (model is null) return Finish(null, [1, 1, 1], Affine.Identity(), "affine", 0);

        var fixedNormalised = WorkingGrid.Normalise(fixedImage, fixedMask);
        var movingNormalised = WorkingGrid.Normalise(moving, movingMask);
        var (fixedGrid, movingGrid, gridShape, gridAffine) = OnWorkingGrid(model.Grid, fixedImage, fixedMask, fixedNormalised, movingNormalised, fixedToMoving);
        var plan = (refine ?? new RefinementPlan(0, [])).Validate(model.Grid.SpacingMm);
        RegisteredPair? result = null;
        using (var scope = NewDisposeScope())
        {
            var size = model.Grid.TensorSize;
            var f = tensor(fixedGrid, [1, 1, .. size]).to(device);
            var m = tensor(movingGrid, [1, 1, .. size]).to(device);
            var velocity = model.PredictVelocity(f, m);
            RefinementPyramid.Run(model.Refinement, plan, velocity, (f, m, gridShape, gridAffine), fixedNormalised, fixedMask, movingNormalised, fixedToMoving,
                everyStage is not null, stage =>
                {
                    result = Finish(stage.Flow, stage.Shape, stage.GridAffine, stage.Name, stage.Steps);
                    clock.Stop();
                    everyStage?.Invoke(result);
                    clock.Start();
                });
        }
        return result!;
    }

    /// <summary>Both images normalised and sampled on the model's working grid around the fixed brain (the moving one through the affine).</summary>
    public static (float[] Fixed, float[] Moving, int[] Shape, double[] GridAffine) OnWorkingGrid(RegistrationGrid grid, NiftiImage fixedImage, bool[] fixedMask,
        NiftiImage moving, bool[] movingMask, double[] fixedToMoving) =>
        OnWorkingGrid(grid, fixedImage, fixedMask, WorkingGrid.Normalise(fixedImage, fixedMask), WorkingGrid.Normalise(moving, movingMask), fixedToMoving);

    private static (float[] Fixed, float[] Moving, int[] Shape, double[] GridAffine) OnWorkingGrid(RegistrationGrid grid, NiftiImage fixedImage, bool[] fixedMask,
        NiftiImage fixedNormalised, NiftiImage movingNormalised, double[] fixedToMoving)
    {
        if (grid.Dims != 3) throw new Core.Errors.UserInputException("this model works on 2-D slices; registering NIfTI volumes needs a 3-D model");
        var shape = grid.Shape.ToArray();
        var gridAffine = WorkingGrid.Around(fixedImage, fixedMask, shape, grid.SpacingMm);
        var fixedGrid = WorkingGrid.Sample(fixedNormalised, shape, gridAffine);
        var movingGrid = WorkingGrid.Sample(movingNormalised, shape, gridAffine, fixedToMoving);
        return (fixedGrid, movingGrid, shape, gridAffine);
    }
}
