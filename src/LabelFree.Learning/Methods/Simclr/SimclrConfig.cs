using LabelFree.Core.Errors;
using LabelFree.Learning.Nn;

namespace LabelFree.Learning.Methods.Simclr;

/// <summary>
/// SimCLR (Chen et al. 2020; google-research/simclr): an encoder, a 2-layer projection head g (Linear without bias,
/// batch norm, ReLU, Linear to <see cref="ProjectionDimension"/> = 128, the reference's proj_head with
/// num_proj_layers 2), and NT-Xent at <see cref="Temperature"/> 0.5 (the paper's CIFAR-10 setting; 0.1 at its large
/// ImageNet batches) on two random views of each image (<see cref="LabelFree.Data.Tiles.ViewAugmentation.Simclr"/>,
/// or the MRI variant when <see cref="Mri"/>). With <see cref="Micle"/>, MICLe (Azizi et al. 2021): the second view
/// may come from another image with the same group key (another image of the same patient).
/// Deviations: the encoder may be narrower than ResNet-18's 64 channels (<see cref="ImageEncoderConfig.Width"/>, for a
/// CPU), and images are not normalised by dataset mean and variance (the stem's batch norm absorbs the scale).
/// </summary>
public sealed record SimclrConfig : IMethodConfig<SimclrConfig>
{
    public ImageEncoderConfig Encoder { get; init; } = new();
    public int ProjectionDimension { get; init; } = 128;
    public double Temperature { get; init; } = 0.5;
    public bool Mri { get; init; }
    public bool Micle { get; init; }

    public SimclrConfig Validate()
    {
        Encoder.Validate();
        if (ProjectionDimension < 1) throw new SettingException("projection_dimension", $"expected a positive number, got {ProjectionDimension}");
        if (!(Temperature > 0) || !double.IsFinite(Temperature)) throw new SettingException("temperature", $"expected a positive number, got {Temperature}");
        return this;
    }
}
