using LabelFree.Learning.Methods.AnomalyTransformer;
using LabelFree.Learning.Nn;

namespace LabelFree.Learning.Methods.Maat;

/// <summary>
/// MAAT, the Mamba Adaptive Anomaly Transformer (reference ilyesbenaissa/MAAT, model/MambaAnomalyTransformer.py): the
/// Anomaly Transformer (<see cref="AnomalyTransformerConfig"/>: same embedding, anomaly-attention layers, minimax loss
/// and score) with a gated Mamba block (Gu and Dao 2023; <see cref="Nn.Mamba"/>: <see cref="State"/> 8,
/// <see cref="Conv"/> 4, <see cref="Expand"/> 2) after every layer, as <see cref="AnomalyTransformerNet"/> describes.
/// As in the reference: one Mamba block and one gate, shared by all layers; the gated skip adds the layer's input and
/// goes through the encoder's final LayerNorm; anomaly-attention is causal (the reference leaves AnomalyAttention's
/// mask flag at its default, True, where the Anomaly Transformer passes False).
/// <para>Deviations: the reference's sparse-attention option (off in its models) and CoGatedAttention (never used) are
/// left out; the Mamba block runs LabelFree's selective scan (<see cref="Nn.SelectiveScan"/>), not mamba-ssm's CUDA kernel.</para>
/// </summary>
public sealed record MaatConfig : IAssociationConfig<MaatConfig>
{
    public AnomalyTransformerConfig Encoder { get; init; } = new() { CausalAttention = true };
    public int State { get; init; } = 8;
    public int Conv { get; init; } = 4;
    public int Expand { get; init; } = 2;

    /// <summary>The published sizes: the Anomaly Transformer's (width 512, 8 heads, 3 layers, MLP 512) with causal attention.</summary>
    public static MaatConfig Paper(SignalInput input) => new() { Encoder = AnomalyTransformerConfig.Paper(input) with { CausalAttention = true } };

    public AnomalyTransformerConfig Architecture() => Encoder;

    public MambaConfig Mamba() => new() { Model = Encoder.Hidden, State = State, Conv = Conv, Expand = Expand };

    public MaatConfig Validate()
    {
        Encoder.Validate();
        Mamba().Validate();
        return this;
    }
}
