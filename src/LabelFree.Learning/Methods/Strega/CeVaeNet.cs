using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace LabelFree.Learning.Methods.Strega;

/// <summary>The compact context-encoding VAE network of <see cref="StregaConfig"/>.</summary>
public sealed class CeVaeNet : Module<Tensor, (Tensor Mean, Tensor LogStd)>
{
    private readonly Sequential _encoder;
    private readonly Conv2d _toLatent;
    private readonly Sequential _decoder;
    private readonly int _latent;

    public CeVaeNet(StregaConfig config) : base(nameof(CeVaeNet))
    {
        _latent = config.LatentDim;
        var channels = config.Channels;
        var depth = channels.Length;
        long h = config.Height >> depth, w = config.Width >> depth;

        var encoder = new List<(string, Module<Tensor, Tensor>)>();
        var previous = 1;
        for (var i = 0; i < depth; i++)
        {
            encoder.Add(($"conv{i}", Conv2d(previous, channels[i], kernel_size: 3, stride: 2, padding: 1, bias: false)));
            encoder.Add(($"act{i}", PReLU(1, 0.25)));
            previous = channels[i];
        }
        _encoder = Sequential(encoder);
        // A kernel as large as the last feature map collapses it to 1x1: mean and log std, 2 * latent channels.
        _toLatent = Conv2d(previous, 2 * _latent, kernel_size: (h, w), bias: false);

        var decoder = new List<(string, Module<Tensor, Tensor>)>
        {
            ("expand", ConvTranspose2d(_latent, channels[^1], kernel_size: (h, w), bias: false)),
            ("expand_act", PReLU(1, 0.25)),
        };
        for (var i = depth - 1; i > 0; i--)
        {
            decoder.Add(($"deconv{i}", ConvTranspose2d(channels[i], channels[i - 1], kernel_size: 4, stride: 2, padding: 1, bias: false)));
            decoder.Add(($"act{i}", PReLU(1, 0.25)));
        }
        decoder.Add(("output", ConvTranspose2d(channels[0], 1, kernel_size: 4, stride: 2, padding: 1, bias: false)));
        _decoder = Sequential(decoder);
        RegisterComponents();
    }

    /// <summary>(B, 1, H, W) -> mean and log std, each (B, latent, 1, 1).</summary>
    public override (Tensor Mean, Tensor LogStd) forward(Tensor image)
    {
        var statistics = _toLatent.call(_encoder.call(image));  // (B, 2 * latent, 1, 1)
        var parts = statistics.chunk(2, dim: 1);
        return (parts[0], parts[1]);
    }

    /// <summary>(B, latent, 1, 1) -> (B, 1, H, W), linear output.</summary>
    public Tensor Decode(Tensor latent) => _decoder.call(latent);

    /// <summary>Reparameterised sample mean + std * eps, eps from LibTorch's generator.</summary>
    public static Tensor Sample(Tensor mean, Tensor logStd) => mean + logStd.exp() * randn_like(mean);
}
