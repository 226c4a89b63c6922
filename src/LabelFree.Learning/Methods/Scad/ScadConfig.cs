using LabelFree.Core.Errors;
using LabelFree.Data.Imaging;
using LabelFree.Learning.Nn;

namespace LabelFree.Learning.Methods.Scad;

/// <summary>
/// SCAD, scale-aware contrastive reverse distillation (reference code MedAITech/SCRD4AD, built on Deng and Li's RD4AD,
/// CVPR 2022): a frozen teacher encoder gives features at three scales; a one-class bottleneck (OCBE: the two finer
/// scales brought down by strided 3x3 convolutions, concatenated with the third, fused by a residual stage) feeds a
/// student decoder that mirrors the teacher (transposed-convolution residual blocks) and must reproduce the teacher's
/// features of healthy slices. Scale weights: the bottleneck max-pooled, a linear layer, a softmax over the 3 scales.
/// A noisy view of each slice (a patch of fractal gradient noise of amplitude <see cref="NoiseAmplitude"/>, sides
/// <see cref="MinNoiseFraction"/> to <see cref="MaxNoiseFraction"/> of the slice, <see cref="NoiseOctaves"/> octaves of
/// persistence <see cref="NoisePersistence"/>) gives the contrast: loss = D(teacher(clean), student) / D(teacher(noisy),
/// student), D = sum over scales of weight x mean(1 - cosine of the flattened feature maps). The anomaly map of a slice is
/// the weighted sum over scales of the per-pixel 1 - cosine, each upsampled (bilinear) to the slice, smoothed with a
/// Gaussian of <see cref="MapSigmaPixels"/>.
/// <para>Deviations, named:</para>
/// <list type="bullet">
/// <item>The teacher is a ResNet-18 of width <c>Teacher.Width</c> (32 by default, for 2 CPU cores; the reference uses
/// an ImageNet WideResNet-50-2) pre-trained by SimCLR on the training slices themselves, since no ImageNet weights can
/// be fetched here. Its first three stages give the scales (H/4, H/8, H/16).</item>
/// <item>The reference multiplies both feature vectors by the scale weight before the cosine, which leaves the cosine
/// unchanged; LabelFree weights the (1 - cosine) terms, as the paper describes.</item>
/// <item>Slices are grey 112x96 at 2 mm (the benchmark's grid), zero-padded to multiples of 32 inside the network; the
/// noise patch sizes (10-32 px of 256) and the map's Gaussian (sigma 4 px of 256) are scaled to the slice; the noise is
/// Perlin-style gradient noise (the reference uses OpenSimplex), one channel.</item>
/// </list>
/// </summary>
public sealed record ScadConfig : IMethodConfig<ScadConfig>
{
    /// <summary>How scans become slices (normalised intensities by default).</summary>
    public PreprocessingOptions Preprocessing { get; init; } = new();

    public ImageEncoderConfig Teacher { get; init; } = new() { Channels = 1, ImageSize = 64, Width = 32, SmallInputs = false };

    public int Height => Preprocessing.Height;
    public int Width => Preprocessing.Width;
    public double NoiseAmplitude { get; init; } = 0.2;
    public double MinNoiseFraction { get; init; } = 10.0 / 256;
    public double MaxNoiseFraction { get; init; } = 1.0 / 8;
    public int NoiseOctaves { get; init; } = 6;
    public double NoisePersistence { get; init; } = 0.6;

    /// <summary>Pixels per period of the first noise octave (the reference's 32 of 256, scaled to the slice).</summary>
    public double NoisePeriodPixels { get; init; } = 14;

    public double MapSigmaPixels { get; init; } = 2;

    public ScadConfig Validate()
    {
        Preprocessing.Validate();
        Teacher.Validate();
        if (Teacher.Kind != ImageEncoderKind.ResNet18 || Teacher.SmallInputs || Teacher.Channels != 1)
            throw new SettingException("teacher", "expected a one-channel ResNet-18 with the ImageNet stem (small_inputs false)");
        if (!(NoiseAmplitude >= 0)) throw new SettingException("noise_amplitude", $"expected zero or more, got {NoiseAmplitude}");
        if (!(MinNoiseFraction > 0 && MaxNoiseFraction >= MinNoiseFraction && MaxNoiseFraction <= 1))
            throw new SettingException("noise_fraction", $"expected 0 < min <= max <= 1, got {MinNoiseFraction} and {MaxNoiseFraction}");
        if (NoiseOctaves < 1 || !(NoisePersistence > 0) || !(NoisePeriodPixels > 0))
            throw new SettingException("noise_octaves", "expected positive octaves, persistence and period");
        if (!(MapSigmaPixels >= 0)) throw new SettingException("map_sigma_pixels", $"expected zero or more, got {MapSigmaPixels}");
        return this;
    }
}
