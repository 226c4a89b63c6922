using LabelFree.Learning.Nn;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace LabelFree.Learning.Methods.AnomalyTransformer;

/// <summary>
/// One encoder layer of the Anomaly Transformer (the reference's EncoderLayer), post-norm: x = LN(x + drop(attn(x))),
/// then LN(x + drop(mlp(x))) with a GELU MLP; returns the layer's series and prior associations beside it.
/// </summary>
public sealed class AnomalyTransformerLayer : Module
{
    private readonly AnomalyAttention _attention;
    private readonly TransformerFeedForward _feedForward;
    private readonly LayerNorm _attentionNorm;
    private readonly LayerNorm _feedForwardNorm;
    private readonly Dropout _dropout;

    public AnomalyTransformerLayer(AnomalyTransformerConfig config) : base(nameof(AnomalyTransformerLayer))
    {
        _attention = new AnomalyAttention(config.Hidden, config.Heads, config.Dropout, config.CausalAttention);
        _feedForward = new TransformerFeedForward(config.Hidden, config.FeedForward, FeedForwardKind.Gelu, bias: true);
        _attentionNorm = LayerNorm(config.Hidden);
        _feedForwardNorm = LayerNorm(config.Hidden);
        _dropout = Dropout(config.Dropout);
        RegisterComponents();
    }

    /// <param name="x">(B, L, H)</param>
    public AnomalyAttentionOutput Forward(Tensor x)
    {
        var attended = _attention.Forward(x);
        x = _attentionNorm.call(x + _dropout.call(attended.Output));                        // (B, L, H)
        return attended with { Output = _feedForwardNorm.call(x + _dropout.call(_feedForward.call(x))) };
    }
}
