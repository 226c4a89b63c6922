using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace LabelFree.Learning.Nn;

/// <summary>
/// VoxelMorph's U-Net for 2-D or 3-D: per encoder level one 3^d convolution + LeakyReLU(0.2), then 2x max-pooling; per
/// decoder level one convolution, 2x nearest upsampling and concatenation with the encoder's skip; then the remaining
/// decoder convolutions at full resolution. Defaults (encoder 16/32/32/32, decoder 32/32/32/32/32/16/16) are the paper's.
/// </summary>
public sealed class RegistrationUnet : Module<Tensor, Tensor>
{
    private readonly ModuleList<Module<Tensor, Tensor>> _encoder = new();
    private readonly ModuleList<Module<Tensor, Tensor>> _decoder = new();
    private readonly ModuleList<Module<Tensor, Tensor>> _final = new();
    private readonly int _dims;

    public RegistrationUnet(int dims, int inChannels, IReadOnlyList<int> encoder, IReadOnlyList<int> decoder) : base(nameof(RegistrationUnet))
    {
        if (decoder.Count < encoder.Count) throw new ArgumentException("the decoder needs at least as many levels as the encoder");
        _dims = dims;
        var previous = inChannels;
        var skips = new List<int>();
        foreach (var channels in encoder)
        {
            _encoder.Add(ConvBlock(dims, previous, channels));
            skips.Add(channels);
            previous = channels;
        }
        for (var level = 0; level < encoder.Count; level++)
        {
            _decoder.Add(ConvBlock(dims, previous, decoder[level]));
            previous = decoder[level] + skips[^(level + 1)];
        }
        HalfResolutionChannels = encoder.Count >= 1 ? decoder[encoder.Count - 1] : previous;
        foreach (var channels in decoder.Skip(encoder.Count))
        {
            _final.Add(ConvBlock(dims, previous, channels));
            previous = channels;
        }
        OutputChannels = previous;
        RegisterComponents();
    }

    public int OutputChannels { get; }

    /// <summary>Channels of the last decoder level's features, at half resolution (before its upsampling).</summary>
    public int HalfResolutionChannels { get; }

    public int Levels => _encoder.Count;

    /// <summary>(B, in, *S) -> (B, OutputChannels, *S); S divisible by 2^Levels.</summary>
    public override Tensor forward(Tensor input)
    {
        var (bottleneck, skips) = Encode(input);
        return Decode(bottleneck, skips).Full;
    }

    /// <summary>The bottleneck (B, encoder[^1], *S / 2^Levels) and the skip features of each level, finest first.</summary>
    public (Tensor Bottleneck, List<Tensor> Skips) Encode(Tensor input)
    {
        var skips = new List<Tensor>();
        var x = input;
        foreach (var block in _encoder)
        {
            x = block.call(x);
            skips.Add(x);
            x = _dims == 3 ? functional.max_pool3d(x, [2, 2, 2]) : functional.max_pool2d(x, [2, 2]);
        }
        return (x, skips);
    }

    /// <summary>Decodes: the last level's features at half resolution (B, HalfResolutionChannels, *S / 2) and the full output.</summary>
    public (Tensor Half, Tensor Full) Decode(Tensor bottleneck, List<Tensor> skips)
    {
        var x = bottleneck;
        Tensor half = x;
        for (var level = 0; level < _decoder.Count; level++)
        {
            x = _decoder[level].call(x);
            half = x;
            var scale = Enumerable.Repeat(2.0, _dims).ToArray();
            x = functional.interpolate(x, scale_factor: scale, mode: InterpolationMode.Nearest);
            x = cat([x, skips[^(level + 1)]], dim: 1);  // (B, dec + skip, *S_level)
        }
        foreach (var block in _final) x = block.call(x);
        return (half, x);
    }

    /// <summary>A 3^d convolution (padding 1) and LeakyReLU(0.2).</summary>
    public static Sequential ConvBlock(int dims, int inChannels, int outChannels) => Sequential(
        ("conv", Conv(dims, inChannels, outChannels, 3)),
        ("act", LeakyReLU(0.2)));

    /// <summary>A 2-D or 3-D convolution with 'same' padding for odd kernels.</summary>
    public static Module<Tensor, Tensor> Conv(int dims, int inChannels, int outChannels, int kernel) => dims == 3
        ? Conv3d(inChannels, outChannels, kernel, padding: kernel / 2)
        : Conv2d(inChannels, outChannels, kernel, padding: kernel / 2);

    /// <summary>
    /// The flow head: a 3^d convolution to <paramref name="dims"/> channels, weights drawn from N(0, 1e-5) and zero bias, so
    /// that training starts from (almost) the identity transform, as the reference does.
    /// </summary>
    public static Module<Tensor, Tensor> FlowHead(int dims, int inChannels)
    {
        var conv = Conv(dims, inChannels, dims, 3);
        using var noGrad = no_grad();
        foreach (var (name, parameter) in conv.named_parameters())
        {
            if (name == "weight") parameter.normal_(0, 1e-5);
            else parameter.zero_();
        }
        return conv;
    }
}
