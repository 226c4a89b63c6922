using LabelFree.Learning.Nn;
using TorchSharp.Modules;
using TransformerEncoder = LabelFree.Learning.Nn.TransformerEncoder;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace LabelFree.Learning.Methods.Behrt;

/// <summary>The BEHRT encoder's pass over a batch: (B, T) ids of four kinds -> hidden states (B, T, H).</summary>
public static class BehrtEncoding
{
    public static Tensor Hidden(TransformerEncoder encoder, BehrtBatch batch) =>
        encoder.call(new TransformerInput(TokenIds: batch.Tokens, AttentionMask: batch.Keep, PositionIds: batch.Positions,
            ExtraIds: [batch.Ages, batch.Segments])).Hidden;                 // (B, T, H)

    /// <summary>The mean of the hidden states over each sentence's real tokens: (B, T, H) -> (B, H).</summary>
    public static Tensor MeanOverTokens(Tensor hidden, Tensor keep)
    {
        var weights = keep.to(hidden.dtype).unsqueeze(-1);                    // (B, T, 1)
        return (hidden * weights).sum(1) / weights.sum(1).clamp_min(1);       // (B, H)
    }
}

/// <summary>BEHRT for pre-training (the reference's BertForMaskedLM): the encoder and the MLM head tied to its token table.</summary>
public sealed class BehrtNet : Module
{
    private readonly TransformerEncoder _encoder;
    private readonly MaskedLanguageModelHead _head;

    public BehrtNet(BehrtConfig config) : base(nameof(BehrtNet))
    {
        var encoder = config.Encoder();
        _encoder = new TransformerEncoder(encoder);
        _head = new MaskedLanguageModelHead(encoder.Hidden, encoder.VocabularySize, encoder.LayerNormEps, _encoder.TokenEmbedding, encoder.InitializerRange);
        RegisterComponents();
    }

    public TransformerEncoder Encoder => _encoder;

    public MaskedLanguageModelHead Head => _head;
}

/// <summary>
/// BEHRT for prediction (the reference's BertForMultiLabelPrediction): the encoder, BERT's pooler (dense and tanh on
/// [CLS]), dropout and a linear layer to one logit per label: (B, T) -> (B, labels).
/// </summary>
public sealed class BehrtPredictorNet : Module<BehrtBatch, Tensor>
{
    private readonly TransformerEncoder _encoder;
    private readonly Linear _pooler;
    private readonly Dropout _dropout;
    private readonly Linear _classifier;

    public BehrtPredictorNet(BehrtPredictorConfig config) : base(nameof(BehrtPredictorNet))
    {
        var encoder = config.Encoder.Encoder();
        _encoder = new TransformerEncoder(encoder);
        _pooler = Linear(encoder.Hidden, encoder.Hidden);
        _dropout = Dropout(config.Encoder.Dropout);
        _classifier = Linear(encoder.Hidden, config.Labels.Length);
        RegisterComponents();
        using var noGrad = no_grad();
        foreach (var linear in new[] { _pooler, _classifier })
        {
            init.normal_(linear.weight, 0, encoder.InitializerRange);
            init.zeros_(linear.bias!);
        }
    }

    public TransformerEncoder Encoder => _encoder;

    public override Tensor forward(BehrtBatch batch)
    {
        var hidden = BehrtEncoding.Hidden(_encoder, batch);                   // (B, T, H)
        var pooled = _pooler.call(hidden.select(1, 0)).tanh();                 // (B, H), from [CLS]
        return _classifier.call(_dropout.call(pooled));                      // (B, labels)
    }
}
