using LabelFree.Learning.Methods.AnomalyTransformer;
using static TorchSharp.torch;

namespace LabelFree.Learning.Methods.Maat;

/// <summary>
/// MAAT: the Anomaly Transformer with a gated Mamba block after every layer (<see cref="MaatConfig"/>); trained and
/// scored exactly as the Anomaly Transformer (<see cref="AssociationModel{TSelf, TConfig}"/>).
/// </summary>
public sealed class Maat : AssociationModel<Maat, MaatConfig>, IMethodDefinition<Maat, MaatConfig, AnomalyTransformerNet>
{
    private Maat(MaatConfig config, AnomalyTransformerNet net, Device device) : base(config, net, device) { }

    public static string MethodName => "maat";

    static AnomalyTransformerNet IMethodDefinition<Maat, MaatConfig, AnomalyTransformerNet>.BuildNetwork(MaatConfig config) => new(config.Encoder, config.Mamba());

    static Maat IMethodDefinition<Maat, MaatConfig, AnomalyTransformerNet>.Wrap(MaatConfig config, AnomalyTransformerNet net, Device device) => new(config, net, device);
}
