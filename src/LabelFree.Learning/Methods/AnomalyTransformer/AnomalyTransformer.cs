using static TorchSharp.torch;

namespace LabelFree.Learning.Methods.AnomalyTransformer;

/// <summary>
/// The Anomaly Transformer (Xu et al., ICLR 2022): trained on normal signal by the minimax association-discrepancy
/// loss, it scores each sample by how little its attention differs from a local Gaussian prior, times how badly it is
/// reconstructed (<see cref="AnomalyTransformerConfig"/>). Verbs: <see cref="AssociationModel{TSelf, TConfig}.Fit"/>
/// and <see cref="AssociationModel{TSelf, TConfig}.Score"/>.
/// </summary>
public sealed class AnomalyTransformer : AssociationModel<AnomalyTransformer, AnomalyTransformerConfig>,
    IMethodDefinition<AnomalyTransformer, AnomalyTransformerConfig, AnomalyTransformerNet>
{
    private AnomalyTransformer(AnomalyTransformerConfig config, AnomalyTransformerNet net, Device device) : base(config, net, device) { }

    public static string MethodName => "anomaly-transformer";

    static AnomalyTransformerNet IMethodDefinition<AnomalyTransformer, AnomalyTransformerConfig, AnomalyTransformerNet>.BuildNetwork(AnomalyTransformerConfig config) =>
        new(config);

    static AnomalyTransformer IMethodDefinition<AnomalyTransformer, AnomalyTransformerConfig, AnomalyTransformerNet>.Wrap(AnomalyTransformerConfig config,
        AnomalyTransformerNet net, Device device) => new(config, net, device);
}
