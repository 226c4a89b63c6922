using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace LabelFree.Learning.Nn;

/// <summary>
/// BERT's masked-language-model head (BertLMPredictionHead; ESM's and the NT's RobertaLMHead alike): dense, exact
/// GELU, LayerNorm, then a decoder to vocabulary logits with its own bias: (B, T, H) -> (B, T, V). The decoder weight
/// is either the head's own or tied to the encoder's token embedding (BERT and DNABERT tie it; NT v2 does not).
/// A tied weight is not registered in the head, so a network holding the encoder and the head lists it once.
/// </summary>
public sealed class MaskedLanguageModelHead : Module<Tensor, Tensor>
{
    private readonly Linear _dense;
    private readonly LayerNorm _norm;
    private readonly Parameter? _decoderWeight;
    private readonly Parameter _decoderBias;
    // A delegate, not a field of a tensor type, so that RegisterComponents does not register the encoder's table again.
    private readonly Func<Tensor>? _tiedWeight;

    public MaskedLanguageModelHead(int hidden, int vocabularySize, double layerNormEps, Embedding? tiedTo = null, double initializerRange = 0.02)
        : base(nameof(MaskedLanguageModelHead))
    {
        if (tiedTo is not null && (tiedTo.weight!.shape[0] != vocabularySize || tiedTo.weight.shape[1] != hidden))
            throw new ArgumentException($"tied embedding is {tiedTo.weight.shape[0]} x {tiedTo.weight.shape[1]}, the head needs {vocabularySize} x {hidden}", nameof(tiedTo));
        _dense = Linear(hidden, hidden);
        _norm = LayerNorm(hidden, layerNormEps);
        _decoderBias = Parameter(zeros(vocabularySize));
        if (tiedTo is null) _decoderWeight = Parameter(empty(vocabularySize, hidden));
        else _tiedWeight = () => tiedTo.weight!;
        using (no_grad())
        {
            init.normal_(_dense.weight, 0, initializerRange);
            init.zeros_(_dense.bias!);
            if (_decoderWeight is not null) init.normal_(_decoderWeight, 0, initializerRange);
        }
        RegisterComponents();
    }

    public bool IsTied => _tiedWeight is not null;

    public override Tensor forward(Tensor hidden)
    {
        var x = _norm.call(functional.gelu(_dense.call(hidden)));             // (B, T, H)
        return functional.linear(x, _tiedWeight?.Invoke() ?? _decoderWeight!, _decoderBias);  // (B, T, V)
    }
}
