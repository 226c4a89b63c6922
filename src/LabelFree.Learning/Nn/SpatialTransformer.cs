using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace LabelFree.Learning.Nn;

/// <summary>
/// Dense warping for 2-D and 3-D (VoxelMorph's spatial transformer): samples an image at identity + displacement.
/// Displacements are in voxels, one channel per tensor spatial axis in tensor order ((dy, dx) in 2-D, (dz, dy, dx) in 3-D).
/// </summary>
public static class SpatialTransformer
{
    /// <param name="source">(B, C, *S) image or field to sample.</param>
    /// <param name="flow">(B, D, *S) displacement in voxels, D = 2 or 3 spatial axes.</param>
    /// <param name="nearest">Nearest-neighbour sampling (labels); otherwise bi/trilinear.</param>
    /// <param name="border">Repeat the edge outside the grid (for fields); otherwise 0 outside (images).</param>
    public static Tensor Warp(Tensor source, Tensor flow, bool nearest = false, bool border = false)
    {
        using var scope = NewDisposeScope();
        var dims = (int)flow.shape[1];
        var spatial = flow.shape[2..];
        var normalised = new Tensor[dims];
        for (var axis = 0; axis < dims; axis++)
        {
            var n = spatial[axis];
            var view = Enumerable.Repeat(1L, dims).ToArray();
            view[axis] = n;
            var identity = arange(n, dtype: float32, device: flow.device).view([1, .. view]);  // (1, 1.., n, 1..)
            var position = identity + flow.select(1, axis);                                      // (B, *S)
            normalised[dims - 1 - axis] = n > 1 ? position * (2.0 / (n - 1)) - 1 : zeros_like(position);
        }
        var grid = stack(normalised, dim: -1);  // (B, *S, D) with x first, as grid_sample expects
        var result = grid_sample(source, grid, nearest ? GridSampleMode.Nearest : GridSampleMode.Bilinear,
            border ? GridSamplePaddingMode.Border : GridSamplePaddingMode.Zeros, align_corners: true);
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Scaling and squaring: the displacement of exp(velocity), a diffeomorphism for a smooth velocity field. The velocity is
    /// divided by 2^steps and the map composed with itself <paramref name="steps"/> times.
    /// </summary>
    public static Tensor Integrate(Tensor velocity, int steps)
    {
        var field = velocity / Math.Pow(2, steps);
        for (var i = 0; i < steps; i++) field = field + Warp(field, field, border: true);
        return field;
    }

    /// <summary>Resizes a displacement field to <paramref name="size"/> and rescales each component to the new voxel size (align-corners geometry).</summary>
    public static Tensor ResizeField(Tensor flow, long[] size)
    {
        var dims = (int)flow.shape[1];
        var spatial = flow.shape[2..];
        if (spatial.SequenceEqual(size)) return flow.alias();
        var resized = interpolate(flow, size: size, mode: dims == 3 ? InterpolationMode.Trilinear : InterpolationMode.Bilinear, align_corners: true);
        var factors = Enumerable.Range(0, dims).Select(a => spatial[a] > 1 ? (size[a] - 1.0) / (spatial[a] - 1.0) : 1.0).ToArray();
        var scale = tensor(factors.Select(f => (float)f).ToArray(), device: flow.device).view([1, dims, .. Enumerable.Repeat(1L, dims)]);  // (1, D, 1..)
        return resized * scale;
    }
}
