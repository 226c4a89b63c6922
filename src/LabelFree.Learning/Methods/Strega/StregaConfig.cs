using LabelFree.Core.Errors;
using LabelFree.Core.Models;
using LabelFree.Data.Imaging;

namespace LabelFree.Learning.Methods.Strega;

/// <summary>
/// StRegA's compact context-encoding VAE (Chatterjee et al., Computers in Biology and Medicine 2022; reference code
/// soumickmj/StRegA, built on Zimmerer et al.'s ceVAE): encoder of 3x3 stride-2 convolutions (16/64/256/1024 channels,
/// no bias, no normalisation, PReLU), a convolution whose kernel covers the last feature map to collapse it to 1x1 and
/// give mean and log standard deviation of the latent, a decoder that expands the latent with a transposed
/// convolution of the same kernel and then 4x4 stride-2 transposed convolutions back to the image (linear output).
/// The network sees tissue classes, not intensities: as the reference trains and tests on FSL FAST segmentations of the
/// scans (the "segmentation-regularised" of the name), each slice is the brain's 3-class segmentation scaled to [0, 1]
/// (<see cref="TissueSegmentation"/>: FAST's Gaussian hidden-Markov-random-field model, fitted per scan).
/// Loss: beta * KL + theta * L1 for the VAE pass; the context-encoding pass reconstructs the clean slice from one with
/// 0 to 3 noise squares pasted in; total (1 - ce) * VAE + ce * CE.
/// <para>Deviations from the reference, for a CPU budget and a clearer method:</para>
/// <list type="bullet">
/// <item>Input 112x96 axial slices at 2 mm (the reference uses 256x256 at 1 mm), and a latent of 256 (reference 1024):
/// the reference's two 16x16 latent layers alone hold about 805M parameters.</item>
/// <item>All drawn noise squares are pasted (the reference's loop keeps only the last one).</item>
/// <item>Post-processing ends with a 3-D opening of the mask (<see cref="PostprocessingOptions.OpeningRadiusMm"/>).</item>
/// <item><c>anomaly train</c> uses Adam at 5e-4 by default (reference 1e-4): in the same 700 steps it gave a higher
/// held-out Dice (Colin27 copies 0.105 -> 0.212, ITK head 0.240 -> 0.299, intensity input; bench/RESULTS.md).</item>
/// <item>Anomaly maps use the latent mean (no sampling), so they are deterministic; the reference samples at test time.</item>
/// <item>The segmentation is LabelFree's own HMRF-EM without FAST's bias-field correction and partial-volume model.</item>
/// </list>
/// </summary>
public sealed record StregaConfig : IMethodConfig<StregaConfig>
{
    /// <summary>How scans become slices (saved with the model, so detection prepares scans exactly as training did).</summary>
    public PreprocessingOptions Preprocessing { get; init; } = new(Input: ModelInput.TissueClasses);

    /// <summary>How residuals become anomaly masks.</summary>
    public PostprocessingOptions Postprocessing { get; init; } = new();

    public int Height => Preprocessing.Height;
    public int Width => Preprocessing.Width;
    public EquatableArray<int> Channels { get; init; } = [16, 64, 256, 1024];
    public int LatentDim { get; init; } = 256;
    public double Beta { get; init; } = 0.01;
    public double Theta { get; init; } = 1.0;
    public double ContextFactor { get; init; } = 0.5;
    public int MaxNoiseSquares { get; init; } = 3;
    public double MaxSquareFraction { get; init; } = 0.5;

    /// <summary>The field of view of the slices in mm (height posterior-anterior, width left-right): 112x96 pixels at 2 mm.</summary>
    public const double FieldHeightMm = 224, FieldWidthMm = 192;

    /// <summary>The coarsest working grid accepted: at 8 mm the slices are 32x32 pixels and the last feature map 2x2.</summary>
    public const double MaxSpacingMm = 8;

    /// <summary>The default model on a working grid of <paramref name="spacingMm"/>: slices cover the same field of view, rounded up to whole multiples of 16 pixels.</summary>
    public static StregaConfig AtSpacing(double spacingMm)
    {
        if (!(spacingMm is > 0 and <= MaxSpacingMm)) throw new UserInputException($"strega spacing: expected a voxel size in mm in (0, {MaxSpacingMm}], got {spacingMm}");
        int Pixels(double mm) => (int)Math.Ceiling(mm / spacingMm / 16 - 1e-9) * 16;
        var defaults = new StregaConfig();
        return defaults with
        {
            Preprocessing = defaults.Preprocessing with { Spacing = spacingMm, Height = Pixels(FieldHeightMm), Width = Pixels(FieldWidthMm) },
        };
    }

    public StregaConfig Validate()
    {
        Preprocessing.Validate();
        Postprocessing.Validate();
        var factor = 1 << Channels.Length;
        if (Channels.Length == 0 || Channels.Any(c => c < 1)) throw new UserInputException("strega channels: expected one or more positive numbers");
        if (Height % factor != 0 || Width % factor != 0 || Height < factor || Width < factor)
            throw new UserInputException($"strega height/width: expected multiples of {factor} for {Channels.Length} levels, got {Height}x{Width}");
        if (LatentDim < 1) throw new UserInputException($"strega latent_dim: expected a positive number, got {LatentDim}");
        if (Beta < 0 || Theta <= 0) throw new UserInputException($"strega beta/theta: expected beta >= 0 and theta > 0, got {Beta} and {Theta}");
        if (ContextFactor is < 0 or > 1) throw new UserInputException($"strega context_factor: expected a number in [0, 1], got {ContextFactor}");
        if (MaxNoiseSquares < 0 || MaxSquareFraction is <= 0 or > 1)
            throw new UserInputException($"strega noise squares: expected max_noise_squares >= 0 and 0 < max_square_fraction <= 1, got {MaxNoiseSquares} and {MaxSquareFraction}");
        return this;
    }
}
