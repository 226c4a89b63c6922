using LabelFree.Learning.Nn;
using LabelFree.Learning.Methods.Deformable;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace LabelFree.Learning.Methods.Micdir;

/// <summary>One direction of MICDIR: full- and half-resolution outputs and the graph loss.</summary>
public sealed record MicdirOutput(DeformableOutput Full, DeformableOutput Half, Tensor HalfFixed, Tensor GraphLoss);

/// <summary>MICDIR's network (<see cref="MicdirConfig"/>): U-Net with a self-constructing graph bottleneck and two flow heads.</summary>
public sealed class MicdirNet : Module<Tensor, Tensor, MicdirOutput>
{
    private readonly RegistrationUnet _unet;
    private readonly SelfConstructingGraph _graph;
    private readonly Module<Tensor, Tensor> _flow;
    private readonly Module<Tensor, Tensor> _halfFlow;
    private readonly MicdirConfig _config;

    public MicdirNet(MicdirConfig config) : base(nameof(MicdirNet))
    {
        _config = config;
        var dims = config.Grid.Dims;
        _unet = new RegistrationUnet(dims, 2, config.EncoderChannels, config.DecoderChannels);
        _graph = new SelfConstructingGraph(dims, config.EncoderChannels[^1], config.GraphHidden);
        _flow = RegistrationUnet.FlowHead(dims, _unet.OutputChannels);
        _halfFlow = RegistrationUnet.FlowHead(dims, _unet.HalfResolutionChannels);
        RegisterComponents();
    }

    /// <summary>(B, 1, *S) moving and fixed -> both scales' outputs.</summary>
    public override MicdirOutput forward(Tensor moving, Tensor fixedImage)
    {
        var (bottleneck, skips) = _unet.Encode(cat([moving, fixedImage], dim: 1));
        var (refined, graphLoss) = _graph.call(bottleneck);
        var (half, full) = _unet.Decode(refined, skips);
        var dims = _config.Grid.Dims;

        var velocity = _flow.call(full);                                     // (B, D, *S)
        var flow = VelocityField.ToDisplacement(velocity, _config.IntegrationSteps, _config.IntegrationDownsize);
        var halfVelocity = _halfFlow.call(half);                             // (B, D, *S / 2)
        var halfFlow = VelocityField.ToDisplacement(halfVelocity, _config.IntegrationSteps, 1);
        var halfMoving = dims == 3 ? functional.avg_pool3d(moving, [2, 2, 2]) : functional.avg_pool2d(moving, [2, 2]);
        var halfFixed = dims == 3 ? functional.avg_pool3d(fixedImage, [2, 2, 2]) : functional.avg_pool2d(fixedImage, [2, 2]);
        return new MicdirOutput(
            new DeformableOutput(SpatialTransformer.Warp(moving, flow), flow, velocity),
            new DeformableOutput(SpatialTransformer.Warp(halfMoving, halfFlow), halfFlow, halfVelocity),
            halfFixed, graphLoss);
    }
}
