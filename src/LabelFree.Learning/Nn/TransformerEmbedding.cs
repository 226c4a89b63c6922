using LabelFree.Core.Errors;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace LabelFree.Learning.Nn;

/// <summary>
/// The encoder's front: token embedding (if the config has a vocabulary) plus the caller's input embeddings, plus a
/// learned or sinusoidal position embedding (none for rotary, which acts inside attention), plus each extra embedding,
/// then an optional LayerNorm and dropout: (B, T) ids and/or (B, T, H) -> (B, T, H).
/// </summary>
public sealed class TransformerEmbedding : Module<TransformerInput, Tensor>
{
    private readonly TransformerConfig _config;
    private readonly Embedding? _tokens;
    private readonly Embedding? _positions;
    private readonly ModuleList<Embedding> _extra;
    private readonly LayerNorm? _norm;
    private readonly Dropout _dropout;

    public TransformerEmbedding(TransformerConfig config) : base(nameof(TransformerEmbedding))
    {
        _config = config.Validate();
        _tokens = config.VocabularySize > 0 ? Embedding(config.VocabularySize, config.Hidden, padding_idx: config.PaddingId) : null;
        _positions = config.Positions == PositionEncoding.Learned ? Embedding(config.MaxPositions, config.Hidden) : null;
        _extra = ModuleList(config.ExtraEmbeddings.Select(e => Embedding(e.Size, config.Hidden)).ToArray());
        _norm = config.EmbeddingLayerNorm ? LayerNorm(config.Hidden, config.LayerNormEps) : null;
        _dropout = Dropout(config.Dropout);
        RegisterComponents();
    }

    /// <summary>The token table, for an MLM head that ties its decoder to it; null without a vocabulary.</summary>
    public Embedding? Tokens => _tokens;

    public override Tensor forward(TransformerInput input)
    {
        if (input.TokenIds is not null && _tokens is null) throw new ArgumentException("token ids given to a transformer without a vocabulary (vocabulary_size 0)");
        var x = (input.TokenIds, input.InputEmbeddings) switch
        {
            ({ } ids, null) => _tokens!.call(ids),                                     // (B, T, H)
            (null, { } given) => given,
            ({ } ids, { } given) => _tokens!.call(ids) + given,
            _ => throw new ArgumentException("a transformer input needs token ids or input embeddings"),
        };
        var length = x.shape[1];
        if (_config.Positions is PositionEncoding.Learned or PositionEncoding.Sinusoidal && input.PositionIds is null && length > _config.MaxPositions)
            throw new UserInputException($"sequence length: {length} tokens, but the model has {_config.MaxPositions} positions");
        var positions = input.PositionIds ?? arange(length, dtype: int64, device: x.device);  // (T) or (B, T)
        if (_positions is not null) x = x + _positions.call(positions);
        if (_config.Positions == PositionEncoding.Sinusoidal) x = x + Sinusoids(positions, _config.Hidden, x.dtype);
        var extraIds = input.ExtraIds ?? [];
        if (extraIds.Count != _extra.Count)
            throw new ArgumentException($"expected {_extra.Count} extra id tensors ({string.Join(", ", _config.ExtraEmbeddings.Select(e => e.Name))}), got {extraIds.Count}");
        for (var i = 0; i < _extra.Count; i++) x = x + _extra[i].call(extraIds[i]);
        if (_norm is not null) x = _norm.call(x);
        return _dropout.call(x);
    }

    /// <summary>Vaswani et al.'s fixed table: sin(p / 10000^(2i/H)) in even channels, cos in odd: positions (...) -> (..., H).</summary>
    public static Tensor Sinusoids(Tensor positions, int hidden, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        var pairs = (hidden + 1) / 2;
        var frequencies = exp(arange(pairs, dtype: float64, device: positions.device) * (-2.0 * Math.Log(10_000) / hidden));  // (H/2)
        var angles = positions.to(float64).unsqueeze(-1) * frequencies;                                                     // (..., H/2)
        var table = stack([angles.sin(), angles.cos()], -1).flatten(-2);                                                    // (..., H/2 * 2), sin/cos interleaved
        return table[TensorIndex.Ellipsis, TensorIndex.Slice(0, hidden)].to(dtype).MoveToOuterDisposeScope();               // (..., H)
    }
}
