using LabelFree.Core.Errors;
using LabelFree.Core.Models;
using LabelFree.Data.Imaging;
using LabelFree.Learning.Nn;
using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace LabelFree.Learning.Registration;

/// <summary>
/// One finer level of <see cref="RefinementPyramid"/>: a grid of <paramref name="SpacingMm"/> over the fixed brain, at most
/// <paramref name="MaxSteps"/> Adam steps, the method's smoothness weight times <paramref name="SmoothnessFactor"/>, and Adam's
/// step in voxels of the level's velocity grid.
/// </summary>
public sealed record PyramidLevel(double SpacingMm, int MaxSteps, double SmoothnessFactor = 1, double LearningRate = 0.1);

/// <summary>
/// The instance optimisation of one pair: <paramref name="CoarseSteps"/> on the network's working grid (the <c>refine</c>
/// steps), then each of <paramref name="Levels"/> (finer, in order), each stopped early when the similarity improves by
/// less than <paramref name="Tolerance"/> (relative) over <paramref name="Patience"/> steps. Finer grids cover the fixed
/// brain's bounding box plus <paramref name="MarginMm"/>, never the whole scan, which bounds memory and time.
/// </summary>
public sealed record RefinementPlan(int CoarseSteps, EquatableArray<PyramidLevel> Levels, double CoarseLearningRate = 0.1, double Tolerance = 2e-3, int Patience = 5,
    double MarginMm = 8)
{
    public RefinementPlan Validate(double workingSpacingMm)
    {
        if (CoarseSteps < 0) throw new UserInputException($"refinement steps: expected zero or more, got {CoarseSteps}");
        var previous = workingSpacingMm;
        foreach (var level in Levels)
        {
            if (!(level.SpacingMm > 0) || level.SpacingMm >= previous)
                throw new UserInputException($"refinement levels: expected spacings finer than {previous} mm, each finer than the one before, got {level.SpacingMm}");
            if (level.MaxSteps < 1 || !(level.SmoothnessFactor >= 0) || !(level.LearningRate > 0))
                throw new UserInputException($"refinement level {level.SpacingMm} mm: expected positive steps and learning rate, non-negative smoothness factor");
            previous = level.SpacingMm;
        }
        if (Tolerance < 0 || Patience < 1 || MarginMm < 0) throw new UserInputException("refinement early stopping: expected tolerance >= 0, patience >= 1, margin >= 0");
        return this;
    }

    public bool IsEmpty => CoarseSteps == 0 && Levels.Length == 0;
}

/// <summary>One stage of a pair's registration on a grid over the fixed brain: its displacement (x-first blocks, voxels) and grid.</summary>
/// <param name="Name">"network" (the network alone), then the spacing of each refined level ("4 mm", "2 mm", ...).</param>
/// <param name="Steps">Optimisation steps run at this level (0 for the network alone).</param>
public sealed record PyramidStage(string Name, float[] Flow, int[] Shape, double[] GridAffine, int Steps);

/// <summary>
/// Instance optimisation as a resolution pyramid, after the coarse-to-fine schemes of instance optimisation for
/// registration (Siebert, Hansen and Heinrich, ConvexAdam, IEEE TMI 2024; Mok and Chung, LapIRN, MICCAI 2020): the
/// network's velocity on its working grid is refined there (VoxelMorph's instance-specific optimisation), then carried,
/// upsampled in world coordinates, to each finer grid over the fixed brain (never finer than the fixed scan's voxels), where the method's own similarity is computed
/// at that grid's resolution and the velocity (at the method's integration resolution of that grid) is refined again.
/// Every level integrates its velocity by scaling and squaring, so every stage is diffeomorphic.
/// <para>Deviations: ConvexAdam starts from a discrete convex optimisation and refines a displacement (not a velocity)
/// with Adam at half resolution; LapIRN's pyramid is of networks. Here only their coarse-to-fine scheme is used: the
/// start is the network's field, the loss is the method's own (VoxelMorph: NCC, window 9 voxels of each level, and the
/// L2 gradient of the velocity in that level's voxels), and each level stops early on the similarity's change
/// (<see cref="RefinementPlan.Tolerance"/>); the levels' defaults were measured on synthesized pairs (bench/RESULTS.md).</para>
/// </summary>
public static class RefinementPyramid
{
    /// <param name="velocity">(1, D, *S) the network's velocity on the working grid (tensor order, voxels).</param>
    /// <param name="working">(fixed, moving) (1, 1, *S) images on the working grid, its shape (x first) and affine.</param>
    /// <param name="fixedImage">The normalised fixed scan at full resolution (0 outside the brain).</param>
    /// <param name="movingImage">The normalised moving scan, reached through <paramref name="fixedToMoving"/>.</param>
    /// <param name="everyStage">Report every stage (the network alone, each level), not only the last.</param>
    /// <param name="report">Called with each reported stage, in order; the last call is the result.</param>
    public static void Run(RefinementLoss loss, RefinementPlan plan, Tensor velocity, (Tensor Fixed, Tensor Moving, int[] Shape, double[] Affine) working,
        NiftiImage fixedImage, bool[] fixedMask, NiftiImage movingImage, double[] fixedToMoving, bool everyStage, Action<PyramidStage> report)
    {
        using var scope = NewDisposeScope();
        var shape = working.Shape;
        var affine = working.Affine;
        var size = TensorSize(shape);
        var field = SpatialTransformer.ResizeField(velocity.detach(), InstanceOptimisation.IntegrationSize(size, loss));
        var levels = Effective(plan.Levels, Affine.Spacing(working.Affine).Min(), Affine.Spacing(fixedImage.Affine).Min());
        var last = levels.Count > 0 ? Name(levels[^1].SpacingMm) : plan.CoarseSteps == 0 ? "network" : Name(working.Affine);
        void Report(string name, int steps)
        {
            if (!everyStage && name != last) return;
            using var noGrad = no_grad();
            var flow = FlowArrays.ToGridOrder(InstanceOptimisation.Displacement(field, loss.IntegrationSteps, size));
            report(new PyramidStage(name, flow, shape, affine, steps));
        }
        Report("network", 0);
        if (plan.CoarseSteps > 0)
        {
            (field, var steps) = InstanceOptimisation.Optimise(field, working.Fixed, working.Moving, loss, loss.SmoothnessWeight, new InstanceOptions(plan.CoarseSteps, plan.CoarseLearningRate));
            Report(Name(working.Affine), steps);
        }
        var fieldAffine = SmallGridAffine(affine, shape, field.shape[2..]);
        foreach (var level in levels)
        {
            using var levelScope = NewDisposeScope();
            shape = WorkingGrid.Covering(fixedImage, fixedMask, level.SpacingMm, plan.MarginMm);
            affine = WorkingGrid.Around(fixedImage, fixedMask, shape, level.SpacingMm);
            size = TensorSize(shape);
            var fixedGrid = tensor(WorkingGrid.Sample(fixedImage, shape, affine), [1, 1, .. size]).to(velocity.device);
            var movingGrid = tensor(WorkingGrid.Sample(movingImage, shape, affine, fixedToMoving), [1, 1, .. size]).to(velocity.device);
            var small = InstanceOptimisation.IntegrationSize(size, loss);
            var smallAffine = SmallGridAffine(affine, shape, small);
            var start = Regrid(field, fieldAffine, small, smallAffine);
            (field, var steps) = InstanceOptimisation.Optimise(start, fixedGrid, movingGrid, loss, loss.SmoothnessWeight * level.SmoothnessFactor,
                new InstanceOptions(level.MaxSteps, level.LearningRate), new EarlyStopping(plan.Tolerance, plan.Patience));
            fieldAffine = smallAffine;
            Report(Name(level.SpacingMm), steps);
            field.MoveToOuterDisposeScope();
        }
    }

    /// <summary>
    /// The levels as run on a scan: none finer than the scan's own (finest) voxel side, which then takes its place, and
    /// each finer than the one before (a level the clamp makes no finer is dropped).
    /// </summary>
    public static List<PyramidLevel> Effective(IEnumerable<PyramidLevel> levels, double workingSpacingMm, double scanSpacingMm)
    {
        var result = new List<PyramidLevel>();
        var previous = workingSpacingMm;
        foreach (var level in levels)
        {
            var spacing = Math.Max(level.SpacingMm, scanSpacingMm);
            if (spacing >= previous - 1e-6) continue;
            result.Add(level with { SpacingMm = spacing });
            previous = spacing;
        }
        return result;
    }

    /// <summary>A level's name: its spacing in mm.</summary>
    public static string Name(double spacingMm) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{spacingMm:0.##} mm");

    private static string Name(double[] gridAffine) => Name(Affine.Spacing(gridAffine)[0]);

    private static long[] TensorSize(int[] shape) => Enumerable.Reverse(shape).Select(s => (long)s).ToArray();


    /// <summary>
    /// The voxel-to-world affine of a field of tensor size <paramref name="small"/> that spans the same extent as the grid
    /// (<paramref name="shape"/>, <paramref name="affine"/>) in the align-corners geometry of <see cref="SpatialTransformer.ResizeField"/>.
    /// </summary>
    private static double[] SmallGridAffine(double[] affine, int[] shape, long[] small)
    {
        var result = (double[])affine.Clone();
        for (var a = 0; a < 3; a++)
        {
            var m = small[2 - a];
            if (m > 1) result[5 * a] = affine[5 * a] * (shape[a] - 1) / (m - 1.0);
        }
        return result;
    }

    /// <summary>
    /// A velocity (1, 3, *s) on one diagonal world-aligned grid resampled (trilinear, edge values beyond it) onto another
    /// of tensor size <paramref name="size"/>, with each component converted from the old grid's voxels to the new one's.
    /// </summary>
    public static Tensor Regrid(Tensor field, double[] fromAffine, long[] size, double[] toAffine)
    {
        using var scope = NewDisposeScope();
        var from = field.shape[2..];
        var axes = new Tensor[3];  // normalised source coordinate along world axis a (x, y, z), broadcast to (1, Z, Y, X)
        var scales = new float[3];
        for (var a = 0; a < 3; a++)
        {
            var t = 2 - a;  // tensor axis
            var n = from[t];
            var index = arange(size[t], dtype: float64, device: field.device);
            var source = (index * toAffine[5 * a] + (toAffine[4 * a + 3] - fromAffine[4 * a + 3])) / fromAffine[5 * a];
            var normalised = n > 1 ? source * (2.0 / (n - 1)) - 1 : zeros_like(source);
            var view = new long[] { 1, 1, 1, 1 };
            view[1 + t] = size[t];
            axes[a] = normalised.to(float32).view(view).expand(1, size[0], size[1], size[2]);
            scales[t] = (float)(fromAffine[5 * a] / toAffine[5 * a]);
        }
        var grid = stack(axes, dim: -1);  // (1, Z, Y, X, 3), x first
        var resampled = grid_sample(field, grid, GridSampleMode.Bilinear, GridSamplePaddingMode.Border, align_corners: true);
        var result = resampled * tensor(scales, device: field.device).view(1, 3, 1, 1, 1);
        return result.MoveToOuterDisposeScope();
    }
}
