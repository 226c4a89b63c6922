using LabelFree.Core.Randomness;

namespace LabelFree.Data.Tiles;

/// <summary>
/// One random view of an image, as the self-supervised papers define them: a random resized crop, a horizontal flip,
/// then either colour jitter and grey-scale (natural and histology images) or intensity jitter (MRI: brightness,
/// contrast and gamma on the one channel; hue and saturation mean nothing there), Gaussian blur and solarisation.
/// Every draw comes from the <see cref="Rng"/> passed in (the Trainer's per-step stream), so a step's views are
/// the same in a resumed run.
/// </summary>
/// <param name="Size">Output side in pixels.</param>
/// <param name="Scale">Range of the crop's area as a fraction of the image's.</param>
/// <param name="JitterProbability">Chance of colour (or intensity) jitter.</param>
/// <param name="Brightness">Colour jitter strengths (torchvision's ColorJitter arguments); for MRI, brightness and contrast are used, with <see cref="Gamma"/>.</param>
/// <param name="GreyscaleProbability">Chance of grey-scale (natural images only).</param>
/// <param name="BlurProbability">Chance of a Gaussian blur with sigma uniform in [0.1, 2] pixels.</param>
/// <param name="BlurKernelFraction">SimCLR's kernel side as a fraction of the image side (10%); null: 3 sigma either side (PIL, as DINO).</param>
/// <param name="SolarizeProbability">Chance of inverting pixels at or above 0.5.</param>
/// <param name="Mri">Intensity jitter instead of colour jitter and grey-scale.</param>
/// <param name="Gamma">MRI intensity jitter: the gamma exponent's range.</param>
public sealed record ViewAugmentation(int Size, (double Min, double Max) Scale, double JitterProbability, double Brightness, double Contrast, double Saturation, double Hue,
    double GreyscaleProbability, double BlurProbability, double? BlurKernelFraction, double SolarizeProbability, bool Mri = false, (double Min, double Max)? Gamma = null)
{
    /// <summary>SimCLR (Chen et al. 2020, appendix A): crop of 8-100% area, flip, colour jitter of strength 1 (0.8, 0.8, 0.8, 0.2) with p 0.8, grey-scale p 0.2, blur p 0.5 with a kernel of 10% of the side.</summary>
    public static ViewAugmentation Simclr(int size) => new(size, (0.08, 1), 0.8, 0.8, 0.8, 0.8, 0.2, 0.2, 0.5, 0.1, 0);

    /// <summary>SimCLR's views for MRI: the same crops, flips and blur; intensity jitter (brightness 0.4, contrast 0.4, gamma 0.7-1.5) with p 0.8 instead of colour jitter and grey-scale.</summary>
    public static ViewAugmentation SimclrMri(int size) => new(size, (0.08, 1), 0.8, 0.4, 0.4, 0, 0, 0, 0.5, 0.1, 0, Mri: true, Gamma: (0.7, 1.5));

    /// <summary>
    /// DINO's (Caron et al. 2021; main_dino.py DataAugmentationDINO) global crop <paramref name="index"/> (0 or 1): crop of 40-100% area, flip, colour
    /// jitter (0.4, 0.4, 0.2, 0.1) with p 0.8, grey-scale p 0.2; blur always on the first, p 0.1 on the second, which is solarised with p 0.2.
    /// </summary>
    public static ViewAugmentation DinoGlobal(int size, int index, bool mri = false) =>
        Natural(size, (0.4, 1), blur: index == 0 ? 1.0 : 0.1, solarize: index == 0 ? 0 : 0.2, mri);

    /// <summary>DINO's local crop: 5-40% area, flip, the same jitter, blur p 0.5.</summary>
    public static ViewAugmentation DinoLocal(int size, bool mri = false) => Natural(size, (0.05, 0.4), blur: 0.5, solarize: 0, mri);

    private static ViewAugmentation Natural(int size, (double, double) scale, double blur, double solarize, bool mri) => mri
        ? new(size, scale, 0.8, 0.4, 0.4, 0, 0, 0, blur, null, solarize, Mri: true, Gamma: (0.7, 1.5))
        : new(size, scale, 0.8, 0.4, 0.4, 0.2, 0.1, 0.2, blur, null, solarize);

    /// <summary>A random view of <paramref name="image"/>: (channels, Size, Size), values in [0, 1].</summary>
    public float[] Apply(TileImage image, Rng rng)
    {
        var view = ImageOps.RandomResizedCrop(image, Size, Scale, rng);
        if (rng.NextDouble() < 0.5) ImageOps.FlipHorizontal(view, image.Channels, Size);
        if (rng.NextDouble() < JitterProbability)
        {
            if (Mri) ImageOps.IntensityJitter(view, Brightness, Contrast, Gamma ?? (1, 1), rng);
            else ImageOps.ColourJitter(view, image.Channels, Size, Brightness, Contrast, Saturation, Hue, rng);
        }
        if (!Mri && image.Channels == 3 && rng.NextDouble() < GreyscaleProbability) ImageOps.Greyscale(view, Size);
        if (rng.NextDouble() < BlurProbability) ImageOps.GaussianBlur(view, image.Channels, Size, rng.Uniform(0.1, 2.0), BlurKernelFraction);
        if (rng.NextDouble() < SolarizeProbability) ImageOps.Solarize(view);
        return view;
    }
}
