using LabelFree.Core.Errors;
using LabelFree.Data.Imaging;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace LabelFree.Learning.Registration;

/// <summary>Settings of <see cref="AffineRegistration"/>.</summary>
/// <param name="LevelsMm">Working spacing of each resolution level, coarse to fine.</param>
/// <param name="Iterations">Adam iterations per level.</param>
/// <param name="LearningRate">Adam learning rate on the matrix (dimensionless) and on the translation (in cm).</param>
/// <param name="MarginMm">Margin around each brain's bounding box that its working grid covers.</param>
/// <param name="MaxPoints">At most this many fixed grid points (evenly strided) enter the similarity at each level.</param>
public sealed record AffineOptions(double[] LevelsMm, int Iterations = 50, double LearningRate = 0.01, double MarginMm = 12, int MaxPoints = 20000)
{
    public static AffineOptions Default => new([8.0, 4.0]);

    public AffineOptions Validate()
    {
        if (LevelsMm.Length == 0 || LevelsMm.Any(s => !(s > 0))) throw new UserInputException("affine levels: expected one or more positive spacings in mm");
        if (Iterations < 1 || !(LearningRate > 0)) throw new UserInputException("affine iterations and learning rate: expected positive numbers");
        return this;
    }
}

/// <summary>The fitted affine: fixed world point x maps to moving world point M x (row-major 4x4), and the final similarity.</summary>
public sealed record AffineResult(double[] FixedToMoving, double FinalNcc);

/// <summary>
/// Intensity-based affine registration (12 parameters), multi-resolution: both brains are normalised, resampled onto
/// coarse world-aligned grids around each brain, and the global normalised cross-correlation of the fixed grid's
/// intensities with the moving image sampled at M x is maximised by Adam through grid_sample. Starts from the
/// translation that aligns the brains' centres. Works across subjects (intensity-normalised, same contrast).
/// </summary>
public static class AffineRegistration
{
    public static AffineResult Register(NiftiImage fixedImage, bool[] fixedMask, NiftiImage moving, bool[] movingMask, AffineOptions options, Device device)
    {
        options.Validate();
        var fixedNorm = WorkingGrid.Normalise(fixedImage, fixedMask);
        var movingNorm = WorkingGrid.Normalise(moving, movingMask);
        var fixedCentre = Centre(fixedImage, fixedMask);
        var movingCentre = Centre(moving, movingMask);

        using var scope = NewDisposeScope();
        var matrix = new Parameter(zeros(3, 3, device: device));                // M = I + matrix
        var shift = new Parameter(tensor(new[]                                    // translation in cm
        {
            (float)((movingCentre[0] - fixedCentre[0]) / 10), (float)((movingCentre[1] - fixedCentre[1]) / 10), (float)((movingCentre[2] - fixedCentre[2]) / 10),
        }, device: device));
        var centre = tensor(fixedCentre.Select(v => (float)v).ToArray(), device: device);
        double ncc = 0;
        foreach (var spacing in options.LevelsMm)
        {
            var fixedShape = WorkingGrid.Covering(fixedImage, fixedMask, spacing, options.MarginMm);
            var fixedAffine = WorkingGrid.Around(fixedImage, fixedMask, fixedShape, spacing);
            var movingShape = WorkingGrid.Covering(moving, movingMask, spacing, options.MarginMm);
            var movingAffine = WorkingGrid.Around(moving, movingMask, movingShape, spacing);
            var keep = Subsample(fixedShape[0] * fixedShape[1] * fixedShape[2], options.MaxPoints);
            var fixedValues = tensor(WorkingGrid.Sample(fixedNorm, fixedShape, fixedAffine), device: device).index_select(0, keep);  // (N)
            var movingVolume = tensor(WorkingGrid.Sample(movingNorm, movingShape, movingAffine),
                [1, 1, movingShape[2], movingShape[1], movingShape[0]], device: device);                     // (1, 1, Z, Y, X)
            var points = GridPoints(fixedShape, fixedAffine, device).index_select(0, keep) - centre;                               // (N, 3) world mm about the centre
            var origin = tensor(new[] { (float)movingAffine[3], (float)movingAffine[7], (float)movingAffine[11] }, device: device);
            var extent = tensor(movingShape.Select(s => (float)(spacing * (s - 1))).ToArray(), device: device);

            using var optimizer = TorchSharp.torch.optim.Adam([matrix, shift], options.LearningRate);
            for (var iteration = 0; iteration < options.Iterations; iteration++)
            {
                using var step = NewDisposeScope();
                optimizer.zero_grad();
                var world = points.matmul((eye(3, device: device) + matrix).t()) + centre + 10 * shift;  // (N, 3)
                var normalised = (world - origin) / extent * 2 - 1;                                       // (N, 3) x, y, z in [-1, 1]
                var sampled = grid_sample(movingVolume, normalised.view(1, 1, 1, -1, 3), align_corners: true).view(-1);  // (N)
                var loss = -Correlation(fixedValues, sampled);
                loss.backward();
                optimizer.step();
                ncc = -loss.item<float>();
            }
        }
        using var noGrad = no_grad();
        var m = (eye(3, device: device) + matrix).cpu().data<float>().ToArray();
        var t = (10 * shift).cpu().data<float>().ToArray();
        // y = M (x - c) + c + t  =>  translation c + t - M c
        var result = new double[16];
        for (var r = 0; r < 3; r++)
        {
            for (var col = 0; col < 3; col++) result[r * 4 + col] = m[r * 3 + col];
            result[r * 4 + 3] = fixedCentre[r] + t[r] - (m[r * 3] * fixedCentre[0] + m[r * 3 + 1] * fixedCentre[1] + m[r * 3 + 2] * fixedCentre[2]);
        }
        result[15] = 1;
        return new AffineResult(result, ncc);
    }

    /// <summary>Indices of at most <paramref name="limit"/> of <paramref name="count"/> points, evenly strided.</summary>
    private static Tensor Subsample(int count, int limit)
    {
        var n = Math.Min(count, limit);
        return tensor(Enumerable.Range(0, n).Select(i => (long)((double)i * count / n)).ToArray());
    }

    /// <summary>Pearson correlation of two vectors (global NCC), guarded against constant inputs.</summary>
    private static Tensor Correlation(Tensor a, Tensor b)
    {
        var da = a - a.mean();
        var db = b - b.mean();
        return (da * db).sum() / ((da.pow(2).sum() * db.pow(2).sum()).sqrt() + 1e-8);
    }

    /// <summary>World coordinates of every voxel of a grid, (N, 3), x fastest.</summary>
    private static Tensor GridPoints(int[] shape, double[] affine, Device device)
    {
        var points = new float[(long)shape[0] * shape[1] * shape[2] * 3];
        long i = 0;
        for (var z = 0; z < shape[2]; z++)
            for (var y = 0; y < shape[1]; y++)
                for (var x = 0; x < shape[0]; x++)
                {
                    var (px, py, pz) = Affine.Apply(affine, x, y, z);
                    points[i++] = (float)px;
                    points[i++] = (float)py;
                    points[i++] = (float)pz;
                }
        return tensor(points, [points.Length / 3, 3], device: device);
    }

    /// <summary>Centre of mass of the mask, in world mm.</summary>
    private static double[] Centre(NiftiImage image, bool[] mask)
    {
        double sx = 0, sy = 0, sz = 0;
        long count = 0;
        for (var i = 0; i < mask.Length; i++)
        {
            if (!mask[i]) continue;
            var (px, py, pz) = Affine.Apply(image.Affine, i % image.X, i / image.X % image.Y, i / (image.X * image.Y));
            sx += px; sy += py; sz += pz;
            count++;
        }
        if (count == 0) throw new UserInputException("the brain mask is empty");
        return [sx / count, sy / count, sz / count];
    }
}
