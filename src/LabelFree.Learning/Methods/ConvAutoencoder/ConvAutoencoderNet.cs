using LabelFree.Learning.Nn;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace LabelFree.Learning.Methods.ConvAutoencoder;

/// <summary>The network of <see cref="ConvAutoencoderConfig"/>: encode to a small latent map, decode back to the image.</summary>
public sealed class ConvAutoencoderNet : Module<Tensor, Tensor>
{
    private readonly Sequential _encoder;
    private readonly Conv2d _toLatent;
    private readonly Conv2d _fromLatent;
    private readonly Sequential _decoder;
    private readonly Conv2d _output;

    public ConvAutoencoderNet(ConvAutoencoderConfig config) : base(nameof(ConvAutoencoderNet))
    {
        var channels = config.Channels;
        var deepest = channels[^1];
        _encoder = ConvStack.Down(1, channels);
        _toLatent = Conv2d(deepest, config.LatentChannels, kernel_size: 1);
        _fromLatent = Conv2d(config.LatentChannels, deepest, kernel_size: 1);
        // Mirror of the encoder: deepest-but-one .. first channel count, ending at full resolution.
        var upChannels = channels.Reverse().Skip(1).Append(channels[0]).ToArray();
        _decoder = ConvStack.Up(deepest, upChannels);
        _output = Conv2d(channels[0], 1, kernel_size: 3, padding: 1);
        RegisterComponents();
    }

    /// <summary>(B, 1, H, W) -> (B, latent, H / 2^n, W / 2^n).</summary>
    public Tensor Encode(Tensor image) => _toLatent.call(_encoder.call(image));

    /// <summary>(B, latent, h, w) -> (B, 1, H, W) in [0, 1].</summary>
    public Tensor Decode(Tensor latent) =>
        functional.sigmoid(_output.call(_decoder.call(functional.leaky_relu(_fromLatent.call(latent), 0.2))));

    public override Tensor forward(Tensor image) => Decode(Encode(image));
}
