using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace LabelFree.Learning.Nn;

/// <summary>
/// One encoder block, (B, T, H) -> (B, T, H). Post-norm (BERT): x = LN(x + drop(attn(x))), x = LN(x + drop(mlp(x))).
/// Pre-norm (ESM, NT): x = x + drop(attn(LN(x))), x = x + drop(mlp(LN(x))).
/// </summary>
public sealed class TransformerBlock : Module
{
    private readonly TransformerAttention _attention;
    private readonly TransformerFeedForward _feedForward;
    private readonly LayerNorm _attentionNorm;
    private readonly LayerNorm _feedForwardNorm;
    private readonly Dropout _dropout;
    private readonly NormPlacement _norm;

    public TransformerBlock(TransformerConfig config) : base(nameof(TransformerBlock))
    {
        _attention = new TransformerAttention(config.Hidden, config.Heads, config.AttentionDropout);
        _feedForward = new TransformerFeedForward(config.Hidden, config.Intermediate, config.FeedForward, config.FeedForwardBias);
        _attentionNorm = LayerNorm(config.Hidden, config.LayerNormEps);
        _feedForwardNorm = LayerNorm(config.Hidden, config.LayerNormEps);
        _dropout = Dropout(config.Dropout);
        _norm = config.Norm;
        RegisterComponents();
    }

    /// <summary>See <see cref="TransformerAttention.Forward"/> for the mask and rotary tables.</summary>
    public (Tensor Hidden, Tensor? Probabilities) Forward(Tensor x, Tensor? mask, RotaryTables? rotary, bool returnProbabilities)
    {
        if (_norm == NormPlacement.Pre)
        {
            var (attended, probabilities) = _attention.Forward(_attentionNorm.call(x), mask, rotary, returnProbabilities);
            x = x + _dropout.call(attended);
            return (x + _dropout.call(_feedForward.call(_feedForwardNorm.call(x))), probabilities);
        }
        var (output, weights) = _attention.Forward(x, mask, rotary, returnProbabilities);
        x = _attentionNorm.call(x + _dropout.call(output));
        return (_feedForwardNorm.call(x + _dropout.call(_feedForward.call(x))), weights);
    }
}
