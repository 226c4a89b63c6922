using static TorchSharp.torch;

namespace LabelFree.Learning.Nn;

/// <summary>Turns a network's velocity (or displacement) output into the displacement used for warping.</summary>
public static class VelocityField
{
    /// <summary>
    /// With <paramref name="steps"/> &gt; 0: scaling and squaring at 1/<paramref name="downsize"/> resolution, then back to full
    /// resolution (VoxelMorph's diffeomorphic mode); with 0 steps the output is the displacement itself.
    /// </summary>
    /// <param name="velocity">(B, D, *S) network output, voxels.</param>
    public static Tensor ToDisplacement(Tensor velocity, int steps, int downsize)
    {
        if (steps == 0) return velocity.alias();
        var full = velocity.shape[2..];
        var small = full.Select(s => Math.Max(1, s / downsize)).ToArray();
        var integrated = SpatialTransformer.Integrate(SpatialTransformer.ResizeField(velocity, small), steps);
        return SpatialTransformer.ResizeField(integrated, full);
    }
}
