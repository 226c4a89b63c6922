using LabelFree.Core.Errors;
using LabelFree.Core.Models;
using LabelFree.Learning.Methods.Deformable;

using LabelFree.Learning.Registration;

namespace LabelFree.Learning.Methods.Micdir;

/// <summary>
/// MICDIR (Chatterjee et al., Computerized Medical Imaging and Graphics 2023; reference soumickmj/MICDIR): VoxelMorph's
/// U-Net with a self-constructing graph at the bottleneck, displacement outputs at full and half resolution (multi-scale
/// supervision) and symmetric training (both directions through the same weights). Loss per direction:
/// 1.2 * NCC + 1 * smoothness + 1 * graph at full scale, 0.5 * each at half scale (the reference's weights).
/// <para>Deviations from the reference:</para>
/// <list type="bullet">
/// <item>The same brain-centred working grid as <see cref="VoxelMorph.VoxelMorphConfig"/> (4 mm), for a 2-core CPU budget.</item>
/// <item>The graph term is the one self-constructing graph's loss, so at half scale it is that same term weighted 0.5.</item>
/// <item>Both scales are integrated by scaling and squaring (7 steps), as VoxelMorph's diffeomorphic mode, so the output
/// folds as little as VoxelMorph's.</item>
/// </list>
/// </summary>
public sealed record MicdirConfig : IDeformableConfig<MicdirConfig>
{
    public RegistrationGrid Grid { get; init; } = new([48, 48, 48], 4.0);
    public EquatableArray<int> EncoderChannels { get; init; } = [16, 32, 32, 32];
    public EquatableArray<int> DecoderChannels { get; init; } = [32, 32, 32, 32, 32, 16, 16];
    public int GraphHidden { get; init; } = 16;
    public int IntegrationSteps { get; init; } = 7;
    public int IntegrationDownsize { get; init; } = 2;
    public int NccWindow { get; init; } = 9;
    public double NccWeight { get; init; } = 1.2;
    public double SmoothnessWeight { get; init; } = 1.0;
    public double GraphWeight { get; init; } = 1.0;
    public double HalfScaleWeight { get; init; } = 0.5;

    public MicdirConfig Validate()
    {
        Grid.Validate(EncoderChannels.Length, "micdir");
        if (EncoderChannels.Length == 0 || EncoderChannels.Any(c => c < 1) || DecoderChannels.Any(c => c < 1) || DecoderChannels.Length < EncoderChannels.Length)
            throw new UserInputException("micdir channels: expected positive encoder channels and at least as many decoder channels");
        if (GraphHidden < 1) throw new UserInputException($"micdir graph_hidden: expected a positive number, got {GraphHidden}");
        if (IntegrationSteps is < 0 or > 20) throw new UserInputException($"micdir integration_steps: expected 0..20, got {IntegrationSteps}");
        if (IntegrationDownsize is < 1 or > 4) throw new UserInputException($"micdir integration_downsize: expected 1..4, got {IntegrationDownsize}");
        if (NccWindow < 1 || NccWindow % 2 == 0) throw new UserInputException($"micdir ncc_window: expected an odd positive number, got {NccWindow}");
        if (NccWeight < 0 || SmoothnessWeight < 0 || GraphWeight < 0 || HalfScaleWeight < 0) throw new UserInputException("micdir loss weights: expected zero or more");
        return this;
    }
}
