using LabelFree.Core.Training;
using LabelFree.Learning.Objectives;
using LabelFree.Learning.Registration;
using LabelFree.Learning.Methods.Deformable;
using LabelFree.Learning.Nn;
using static TorchSharp.torch;

namespace LabelFree.Learning.Methods.VoxelMorph;

/// <summary>VoxelMorph: learns to register brain pairs from image similarity and smoothness alone (<see cref="VoxelMorphConfig"/>).</summary>
public sealed class VoxelMorph : DeformableModel<VoxelMorph, VoxelMorphConfig, VoxelMorphNet>, IMethodDefinition<VoxelMorph, VoxelMorphConfig, VoxelMorphNet>
{
    private VoxelMorph(VoxelMorphConfig config, VoxelMorphNet net, Device device) : base(config, net, device) { }

    public static string MethodName => "voxelmorph";

    static VoxelMorphNet IMethodDefinition<VoxelMorph, VoxelMorphConfig, VoxelMorphNet>.BuildNetwork(VoxelMorphConfig config) => new(config);

    static VoxelMorph IMethodDefinition<VoxelMorph, VoxelMorphConfig, VoxelMorphNet>.Wrap(VoxelMorphConfig config, VoxelMorphNet net, Device device) => new(config, net, device);

    public override LossOutput Loss(RegistrationBatch batch, TrainingStep at)
    {
        var output = Net.call(batch.Moving, batch.Fixed);
        var similarity = Similarity(batch.Fixed, output.Moved);
        var smooth = RegistrationLosses.Gradient(output.Velocity);
        var terms = new Dictionary<string, Tensor> { ["similarity"] = similarity, ["smoothness"] = smooth };
        if (Config.Bidirectional)
        {
            var backward = Similarity(batch.Moving, SpatialTransformer.Warp(batch.Fixed, Net.InverseFlow(output.Velocity)));
            terms["similarity_inverse"] = backward;
            similarity = 0.5 * similarity + 0.5 * backward;
        }
        return new LossOutput(similarity + Config.SmoothnessWeight * smooth, terms);
    }

    private Tensor Similarity(Tensor target, Tensor moved) => Config.Similarity == SimilarityKind.Ncc
        ? RegistrationLosses.Ncc(target, moved, Config.NccWindow)
        : RegistrationLosses.Mse(target, moved);

    protected override DeformableOutput Forward(Tensor moving, Tensor fixedImage) => Net.call(moving, fixedImage);

    public override RefinementLoss Refinement => new(Similarity, Config.SmoothnessWeight, Config.IntegrationSteps, Config.IntegrationDownsize);
}
