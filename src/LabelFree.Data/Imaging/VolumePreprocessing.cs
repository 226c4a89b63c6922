using LabelFree.Core.Errors;

namespace LabelFree.Data.Imaging;

/// <summary>
/// How a brain volume becomes model input (recorded in a run's config.json): resampled onto an RAS-aligned grid of
/// <see cref="Spacing"/> mm centred on the brain (this also reorients any input to RAS), intensities mapped to [0, 1]
/// by robust percentiles inside the brain mask, everything outside the mask set to 0, axial slices of
/// <see cref="Height"/> (posterior to anterior, anterior at the top) by <see cref="Width"/> (left to right) pixels.
/// With <see cref="Input"/> = <see cref="ModelInput.TissueClasses"/> the model sees the brain's tissue classes
/// (<see cref="TissueSegmentation"/>, label / classes: 1/3 CSF, 2/3 grey, 1 white matter) instead of its intensities,
/// as StRegA feeds its VAE FSL FAST segmentations.
/// </summary>
public sealed record PreprocessingOptions(
    double Spacing = 2.0,
    int Height = 112,
    int Width = 96,
    double LowPercentile = 1,
    double HighPercentile = 99,
    double MinBrainFraction = 0.1,
    ModelInput Input = ModelInput.Intensity)
{
    /// <summary>How tissue classes are found when <see cref="Input"/> is <see cref="ModelInput.TissueClasses"/>.</summary>
    public TissueSegmentationOptions Tissues { get; init; } = new();

    public PreprocessingOptions Validate()
    {
        Tissues.Validate();
        if (!(Spacing > 0)) throw new UserInputException($"preprocessing spacing: expected a positive number of mm, got {Spacing}");
        if (Height < 16 || Width < 16) throw new UserInputException($"preprocessing height/width: expected at least 16, got {Height}x{Width}");
        if (LowPercentile < 0 || HighPercentile > 100 || LowPercentile >= HighPercentile)
            throw new UserInputException($"preprocessing percentiles: expected 0 <= low < high <= 100, got {LowPercentile} and {HighPercentile}");
        return this;
    }
}

/// <summary>What a model sees of a brain volume.</summary>
public enum ModelInput
{
    /// <summary>The normalised intensities.</summary>
    Intensity,

    /// <summary>The tissue class of each brain voxel, as label / classes (StRegA's segmentation-regularised input).</summary>
    TissueClasses,
}

/// <summary>
/// A volume on the working grid: the model's input in [0, 1] (<see cref="Image"/>), the normalised intensities (the same
/// array when the model sees intensities), the brain mask, and the way back to the input's grid.
/// </summary>
public sealed class PreprocessedVolume
{
    public required NiftiImage Input { get; init; }
    public required int[] Shape { get; init; }           // working grid (x, y, z)
    public required double[] Affine { get; init; }       // working voxel -> world
    public required float[] Image { get; init; }
    public required float[] Intensity { get; init; }
    public required bool[] Mask { get; init; }
    public required PreprocessingOptions Options { get; init; }

    public int SliceCount => Shape[2];

    /// <summary>Axial slice <paramref name="z"/> as Height*Width pixels, anterior at the top.</summary>
    public float[] Slice(int z) => SliceOf(Image, z);

    /// <summary>Axial slice <paramref name="z"/> of any working-grid volume (a mask, a map), in the layout of <see cref="Slice"/>.</summary>
    public T[] SliceOf<T>(T[] volume, int z)
    {
        int w = Shape[0], h = Shape[1];
        var slice = new T[w * h];
        for (var r = 0; r < h; r++)
            for (var c = 0; c < w; c++)
                slice[r * w + c] = volume[(z * h + (h - 1 - r)) * w + c];
        return slice;
    }

    /// <summary>The slices with at least <see cref="PreprocessingOptions.MinBrainFraction"/> of their pixels in the brain.</summary>
    public IEnumerable<int> BrainSlices() => Enumerable.Range(0, SliceCount).Where(z => BrainFraction(z) >= Options.MinBrainFraction);

    /// <summary>Fraction of the slice's pixels inside the brain.</summary>
    public double BrainFraction(int z)
    {
        int w = Shape[0], h = Shape[1], count = 0;
        for (var i = 0; i < w * h; i++) if (Mask[z * w * h + i]) count++;
        return (double)count / (w * h);
    }

    /// <summary>Stacks per-slice maps (Height*Width each, slice order) back into a working-grid volume.</summary>
    public float[] FromSlices(IReadOnlyList<float[]> slices)
    {
        int w = Shape[0], h = Shape[1];
        var volume = new float[w * h * Shape[2]];
        for (var z = 0; z < slices.Count; z++)
            for (var r = 0; r < h; r++)
                for (var c = 0; c < w; c++)
                    volume[(z * h + (h - 1 - r)) * w + c] = slices[z][r * w + c];
        return volume;
    }

    /// <summary>A working-grid volume resampled onto the input's grid and affine.</summary>
    public NiftiImage ToInputGrid(float[] working, Interpolation interpolation) =>
        Input.WithData(Resample.ToGrid(working, Shape, Affine, Input.Shape, Input.Affine, interpolation)) with { Shape = Input.Shape.Take(3).ToArray() };
}

public static class VolumePreprocessing
{
    public static PreprocessedVolume Run(NiftiImage input, bool[] mask, PreprocessingOptions options)
    {
        options.Validate();
        if (input.T > 1) input = input with { Shape = input.Shape.Take(3).ToArray(), Data = input.Data[..(input.X * input.Y * input.Z)] };
        var maskValues = mask.Select(m => m ? 1f : 0f).ToArray();
        if (mask.Length != input.X * input.Y * input.Z) throw new UserInputException($"the brain mask has {mask.Length} voxels, the image {input.X * input.Y * input.Z}");
        var (low, high) = BrainMask.WorldBounds(input, mask);
        var s = options.Spacing;
        var depth = (int)Math.Ceiling((high[2] - low[2]) / s) + 3;
        int[] shape = [options.Width, options.Height, depth];
        // RAS-aligned grid of spacing s, centred on the brain's bounding box.
        double cx = (low[0] + high[0]) / 2, cy = (low[1] + high[1]) / 2, cz = (low[2] + high[2]) / 2;
        double[] affine =
        [
            s, 0, 0, cx - s * (shape[0] - 1) / 2.0,
            0, s, 0, cy - s * (shape[1] - 1) / 2.0,
            0, 0, s, cz - s * (shape[2] - 1) / 2.0,
            0, 0, 0, 1,
        ];
        var image = Resample.ToGrid(input.Data, input.Shape, input.Affine, shape, affine, Interpolation.Linear);
        var workingMask = Resample.ToGrid(maskValues, input.Shape, input.Affine, shape, affine, Interpolation.Linear).Select(v => v >= 0.5f).ToArray();
        Normalise(image, workingMask, options);
        var modelInput = options.Input == ModelInput.TissueClasses ? TissueImage(image, workingMask, shape, options.Tissues) : image;
        return new PreprocessedVolume { Input = input, Shape = shape, Affine = affine, Image = modelInput, Intensity = image, Mask = workingMask, Options = options };
    }

    private static float[] TissueImage(float[] image, bool[] mask, int[] shape, TissueSegmentationOptions options)
    {
        var labels = TissueSegmentation.Segment(image, mask, shape, options);
        return labels.Select(l => (float)l / options.Classes).ToArray();
    }

    private static void Normalise(float[] image, bool[] mask, PreprocessingOptions options)
    {
        var inside = image.Where((_, i) => mask[i]).ToArray();
        if (inside.Length == 0) throw new UserInputException("the brain mask is empty on the working grid");
        Array.Sort(inside);
        double At(double p) => inside[(int)Math.Round(p / 100 * (inside.Length - 1))];
        var (lo, hi) = (At(options.LowPercentile), At(options.HighPercentile));
        if (hi <= lo) hi = lo + 1;
        for (var i = 0; i < image.Length; i++)
            image[i] = mask[i] ? (float)Math.Clamp((image[i] - lo) / (hi - lo), 0, 1) : 0;
    }
}
