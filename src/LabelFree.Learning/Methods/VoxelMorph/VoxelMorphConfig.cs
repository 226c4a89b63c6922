using LabelFree.Core.Errors;
using LabelFree.Core.Models;
using LabelFree.Learning.Methods.Deformable;

using LabelFree.Learning.Registration;

namespace LabelFree.Learning.Methods.VoxelMorph;

public enum SimilarityKind
{
    /// <summary>Windowed normalised cross-correlation (9^d window).</summary>
    Ncc,

    /// <summary>Mean squared error of intensities.</summary>
    Mse,
}

/// <summary>
/// VoxelMorph (Balakrishnan et al., IEEE TMI 2019; Dalca et al., MICCAI 2018 for the diffeomorphic variant; reference
/// voxelmorph/voxelmorph, torch/networks.py VxmDense): a U-Net on the concatenated moving and fixed images predicts a
/// (velocity) field, integrated by scaling and squaring (7 steps at half resolution) into a displacement that a spatial
/// transformer applies to the moving image. Loss: similarity(fixed, moved) + lambda * L2 gradient of the pre-integration
/// field (lambda 1 for NCC, 0.01 for MSE); bidirectional: 0.5 * similarity in each direction.
/// <para>Deviations from the reference:</para>
/// <list type="bullet">
/// <item>The network runs on a brain-centred grid (<see cref="Grid"/>, by default 48x48x48 at 4 mm), not at 1 mm; the
/// displacement is interpolated to the full image grid for warping (a CPU budget of 2 cores).</item>
/// <item>NCC is numerically guarded (clamped variances, eps 1e-5, cc clamped to [0, 1]): no NaN on constant patches.</item>
/// <item>Scaling and squaring samples the field with edge repetition outside the grid (the reference: zeros).</item>
/// </list>
/// </summary>
public sealed record VoxelMorphConfig : IDeformableConfig<VoxelMorphConfig>
{
    public RegistrationGrid Grid { get; init; } = new([48, 48, 48], 4.0);
    public EquatableArray<int> EncoderChannels { get; init; } = [16, 32, 32, 32];
    public EquatableArray<int> DecoderChannels { get; init; } = [32, 32, 32, 32, 32, 16, 16];

    /// <summary>Scaling-and-squaring steps; 0 predicts the displacement directly (not diffeomorphic).</summary>
    public int IntegrationSteps { get; init; } = 7;

    /// <summary>Integrate at 1/this resolution.</summary>
    public int IntegrationDownsize { get; init; } = 2;

    public SimilarityKind Similarity { get; init; } = SimilarityKind.Ncc;

    /// <summary>Smoothness weight; null takes the reference's default for <see cref="Similarity"/> (1 for NCC, 0.01 for MSE).</summary>
    public double? Lambda { get; init; }

    public int NccWindow { get; init; } = 9;
    public bool Bidirectional { get; init; }

    public double SmoothnessWeight => Lambda ?? (Similarity == SimilarityKind.Ncc ? 1.0 : 0.01);

    public VoxelMorphConfig Validate()
    {
        Grid.Validate(EncoderChannels.Length, "voxelmorph");
        if (EncoderChannels.Length == 0 || EncoderChannels.Any(c => c < 1) || DecoderChannels.Any(c => c < 1) || DecoderChannels.Length < EncoderChannels.Length)
            throw new UserInputException("voxelmorph channels: expected positive encoder channels and at least as many decoder channels");
        if (IntegrationSteps is < 0 or > 20) throw new UserInputException($"voxelmorph integration_steps: expected 0..20, got {IntegrationSteps}");
        if (IntegrationDownsize is < 1 or > 4) throw new UserInputException($"voxelmorph integration_downsize: expected 1..4, got {IntegrationDownsize}");
        if (SmoothnessWeight < 0) throw new UserInputException($"voxelmorph lambda: expected zero or more, got {Lambda}");
        if (NccWindow < 1 || NccWindow % 2 == 0) throw new UserInputException($"voxelmorph ncc_window: expected an odd positive number, got {NccWindow}");
        return this;
    }
}
