using LabelFree.Learning.Nn;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace LabelFree.Learning.Methods.DnaLanguageModel;

/// <summary>The language model's modules: the <see cref="TransformerEncoder"/> and BERT's MLM head on top of it.</summary>
public sealed class DnaLanguageModelNet : Module
{
    private readonly TransformerEncoder _encoder;
    private readonly MaskedLanguageModelHead _head;

    public DnaLanguageModelNet(DnaLanguageModelConfig config) : base(nameof(DnaLanguageModelNet))
    {
        _encoder = new TransformerEncoder(config.Encoder);
        _head = new MaskedLanguageModelHead(config.Encoder.Hidden, config.Encoder.VocabularySize, config.Encoder.LayerNormEps,
            config.TiedDecoder ? _encoder.TokenEmbedding : null, config.Encoder.InitializerRange);
        RegisterComponents();
    }

    public TransformerEncoder Encoder => _encoder;

    /// <summary>Vocabulary logits of hidden states: (..., H) -> (..., V).</summary>
    public Tensor Logits(Tensor hidden) => _head.call(hidden);
}
