using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace LabelFree.Learning.Objectives;

/// <summary>
/// Image-similarity and smoothness losses of unsupervised registration (Balakrishnan et al., IEEE TMI 2019), written once
/// for 2-D and 3-D tensors (B, C, *S).
/// </summary>
public static class RegistrationLosses
{
    /// <summary>
    /// Local (windowed) normalised cross-correlation, returned negated (-1 is a perfect match) so that it is minimised.
    /// Per window: cc = cov^2 / (var_a * var_b + eps). Numerically safe where the reference is not: variances are clamped at
    /// 0 before the product, eps = 1e-5 keeps a constant patch (var 0) at cc 0 rather than NaN, and cc is clamped to [0, 1].
    /// </summary>
    /// <param name="window">Window side in voxels (9 in the reference, 9^d voxels).</param>
    public static Tensor Ncc(Tensor a, Tensor b, int window = 9, double eps = 1e-5)
    {
        var dims = (int)a.dim() - 2;
        // Window sums as separable box filters: one 1-D pass of length `window` per axis (9 * d adds per voxel, not 9^d).
        var kernels = Enumerable.Range(0, dims).Select(axis =>
        {
            var shape = Enumerable.Repeat(1L, dims + 2).ToArray();
            shape[2 + axis] = window;
            return ones(shape, dtype: a.dtype, device: a.device);   // (1, 1, 1.., window, 1..)
        }).ToArray();
        var pads = Enumerable.Range(0, dims).Select(axis =>
        {
            var pad = new long[dims];
            pad[axis] = window / 2;
            return pad;
        }).ToArray();
        Tensor Sum(Tensor x)
        {
            for (var axis = 0; axis < dims; axis++) x = dims == 3 ? conv3d(x, kernels[axis], padding: pads[axis]) : conv2d(x, kernels[axis], padding: pads[axis]);
            return x;
        }
        var n = Math.Pow(window, dims);
        var sumA = Sum(a);
        var sumB = Sum(b);
        var cross = Sum(a * b) - sumA * sumB / n;             // n * covariance, (B, 1, *S)
        var varA = (Sum(a * a) - sumA * sumA / n).clamp_min(0);
        var varB = (Sum(b * b) - sumB * sumB / n).clamp_min(0);
        var cc = (cross * cross / (varA * varB + eps)).clamp(0, 1);
        return -cc.mean();
    }

    public static Tensor Mse(Tensor a, Tensor b) => (a - b).pow(2).mean();

    /// <summary>L2 smoothness of a displacement field (B, D, *S): mean squared forward difference along each axis, averaged over axes.</summary>
    public static Tensor Gradient(Tensor flow)
    {
        var dims = (int)flow.dim() - 2;
        Tensor? total = null;
        for (var axis = 0; axis < dims; axis++)
        {
            var length = flow.shape[2 + axis];
            var difference = flow.narrow(2 + axis, 1, length - 1) - flow.narrow(2 + axis, 0, length - 1);
            var term = difference.pow(2).mean();
            total = total is null ? term : total + term;
        }
        return total! / dims;
    }
}
