using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace LabelFree.Learning.Nn;

/// <summary>Reusable 2-D convolution stacks: stride-2 downsampling and transposed-convolution upsampling, each with LeakyReLU.</summary>
public static class ConvStack
{
    /// <summary>3x3 stride-2 convolutions: (B, in, H, W) -> (B, channels[^1], H / 2^n, W / 2^n).</summary>
    public static Sequential Down(int inChannels, IReadOnlyList<int> channels, double slope = 0.2)
    {
        var layers = new List<(string, Module<Tensor, Tensor>)>();
        var previous = inChannels;
        for (var i = 0; i < channels.Count; i++)
        {
            layers.Add(($"conv{i}", Conv2d(previous, channels[i], kernel_size: 3, stride: 2, padding: 1)));
            layers.Add(($"act{i}", LeakyReLU(slope)));
            previous = channels[i];
        }
        return Sequential(layers);
    }

    /// <summary>4x4 stride-2 transposed convolutions: (B, in, h, w) -> (B, channels[^1], h * 2^n, w * 2^n).</summary>
    public static Sequential Up(int inChannels, IReadOnlyList<int> channels, double slope = 0.2)
    {
        var layers = new List<(string, Module<Tensor, Tensor>)>();
        var previous = inChannels;
        for (var i = 0; i < channels.Count; i++)
        {
            layers.Add(($"deconv{i}", ConvTranspose2d(previous, channels[i], kernel_size: 4, stride: 2, padding: 1)));
            layers.Add(($"act{i}", LeakyReLU(slope)));
            previous = channels[i];
        }
        return Sequential(layers);
    }
}
