using LabelFree.Core.Errors;
using LabelFree.Core.Models;

namespace LabelFree.Learning.Registration;

/// <summary>
/// The grid a deformable model works on: <see cref="Shape"/> voxels (x first; 2 or 3 axes) of <see cref="SpacingMm"/>
/// mm, world-aligned and centred on the fixed brain. Each axis must be divisible by 2^levels of the U-Net.
/// </summary>
public sealed record RegistrationGrid(EquatableArray<int> Shape, double SpacingMm)
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
}
