using LabelFree.Learning.Nn;
using LabelFree.Learning.Methods.Deformable;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace LabelFree.Learning.Methods.VoxelMorph;

/// <summary>VoxelMorph's dense network (<see cref="VoxelMorphConfig"/>): U-Net, flow head, integration, spatial transformer.</summary>
public sealed class VoxelMorphNet : Module<Tensor, Tensor, DeformableOutput>
{
    private readonly RegistrationUnet _unet;
    private readonly Module<Tensor, Tensor> _flow;
    private readonly VoxelMorphConfig _config;

    public VoxelMorphNet(VoxelMorphConfig config) : base(nameof(VoxelMorphNet))
    {
        _config = config;
        _unet = new RegistrationUnet(config.Grid.Dims, 2, config.EncoderChannels, config.DecoderChannels);
        _flow = RegistrationUnet.FlowHead(config.Grid.Dims, _unet.OutputChannels);
        RegisterComponents();
    }

    /// <summary>(B, 1, *S) moving and fixed -> moved image and fields.</summary>
    public override DeformableOutput forward(Tensor moving, Tensor fixedImage)
    {
        var velocity = _flow.call(_unet.call(cat([moving, fixedImage], dim: 1)));  // (B, D, *S)
        var flow = VelocityField.ToDisplacement(velocity, _config.IntegrationSteps, _config.IntegrationDownsize);
        return new DeformableOutput(SpatialTransformer.Warp(moving, flow), flow, velocity);
    }

    /// <summary>The inverse direction's displacement (integrating the negated velocity), for the bidirectional loss.</summary>
    public Tensor InverseFlow(Tensor velocity) => VelocityField.ToDisplacement(-velocity, _config.IntegrationSteps, _config.IntegrationDownsize);
}
