using LabelFree.Core.Errors;
using LabelFree.Core.Models;

namespace LabelFree.Learning.Methods.ConvAutoencoder;

public enum ReconstructionLoss
{
    Mse,
    L1,
}

/// <summary>
/// A small convolutional autoencoder for 2-D images of one channel: stride-2 encoder, a 1x1 bottleneck of
/// <see cref="LatentChannels"/> maps at 1/2^n resolution, transposed-convolution decoder, sigmoid output in [0, 1].
/// Height and width must be divisible by 2^(number of levels).
/// </summary>
public sealed record ConvAutoencoderConfig : IMethodConfig<ConvAutoencoderConfig>
{
    public int Height { get; init; } = 112;
    public int Width { get; init; } = 96;
    public EquatableArray<int> Channels { get; init; } = [16, 32, 64, 128];
    public int LatentChannels { get; init; } = 16;
    public ReconstructionLoss Loss { get; init; } = ReconstructionLoss.Mse;

    public ConvAutoencoderConfig Validate()
    {
        if (Channels.Length == 0 || Channels.Any(c => c < 1)) throw new UserInputException("conv-autoencoder channels: expected one or more positive numbers");
        var factor = 1 << Channels.Length;
        if (Height < factor || Height % factor != 0 || Width < factor || Width % factor != 0)
            throw new UserInputException($"conv-autoencoder height/width: expected multiples of {factor} for {Channels.Length} levels, got {Height}x{Width}");
        if (LatentChannels < 1) throw new UserInputException($"conv-autoencoder latent_channels: expected a positive number, got {LatentChannels}");
        return this;
    }
}
