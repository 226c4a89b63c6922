using LabelFree.Core.Errors;
using static TorchSharp.torch;

namespace LabelFree.Learning.Registration;

/// <summary>
/// The grid a deformable model works on: <see cref="Shape"/> voxels (x first; 2 or 3 axes) of <see cref="SpacingMm"/>
/// mm, world-aligned and centred on the fixed brain. Each axis must be divisible by 2^levels of the U-Net.
/// </summary>
public sealed record RegistrationGrid(int[] Shape, double SpacingMm)
{
    public int Dims => Shape.Length;

    /// <summary>Tensor spatial sizes (z, y, x) / (y, x): the reverse of <see cref="Shape"/>.</summary>
    public long[] TensorSize => Shape.Reverse().Select(s => (long)s).ToArray();

    public long Voxels => Shape.Aggregate(1L, (a, b) => a * b);

    public RegistrationGrid Validate(int levels, string owner)
    {
        var factor = 1 << levels;
        if (Shape.Length is not (2 or 3)) throw new UserInputException($"{owner} grid shape: expected 2 or 3 axes, got {Shape.Length}");
        if (Shape.Any(s => s < factor || s % factor != 0)) throw new UserInputException($"{owner} grid shape: expected multiples of {factor} for {levels} levels, got {string.Join("x", Shape)}");
        if (!(SpacingMm > 0)) throw new UserInputException($"{owner} grid spacing_mm: expected a positive number, got {SpacingMm}");
        return this;
    }

    public bool Equals(RegistrationGrid? other) => other is not null && Shape.SequenceEqual(other.Shape) && SpacingMm == other.SpacingMm;

    public override int GetHashCode() => HashCode.Combine(Shape.Length, SpacingMm);
}

/// <summary>A batch of image pairs on a <see cref="RegistrationGrid"/>, each (B, 1, *S).</summary>
public sealed record RegistrationBatch(Tensor Fixed, Tensor Moving);

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
