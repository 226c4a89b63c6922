using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace LabelFree.Learning.Nn;

/// <summary>
/// A transformer encoder for any token stream (DNA k-mers, health-record events, signal windows, image patches):
/// <see cref="TransformerEmbedding"/>, then <see cref="TransformerConfig.Layers"/> blocks, then a final LayerNorm for
/// pre-norm stacks (ESM's emb_layer_norm_after). Weights start as BERT's: normal(0, initializer_range) for linear and
/// embedding weights, zero biases, padding row zero.
/// </summary>
public sealed class TransformerEncoder : Module<TransformerInput, TransformerOutput>
{
    private readonly TransformerEmbedding _embedding;
    private readonly ModuleList<TransformerBlock> _blocks;
    private readonly LayerNorm? _finalNorm;

    public TransformerEncoder(TransformerConfig config) : base(nameof(TransformerEncoder))
    {
        Config = config.Validate();
        _embedding = new TransformerEmbedding(config);
        _blocks = ModuleList(Enumerable.Range(0, config.Layers).Select(_ => new TransformerBlock(config)).ToArray());
        _finalNorm = config.Norm == NormPlacement.Pre ? LayerNorm(config.Hidden, config.LayerNormEps) : null;
        RegisterComponents();
        Initialize();
    }

    public TransformerConfig Config { get; }

    /// <summary>The token table (null without a vocabulary), for tying an output layer to it.</summary>
    public Embedding? TokenEmbedding => _embedding.Tokens;

    public override TransformerOutput forward(TransformerInput input)
    {
        var x = _embedding.call(input);                                      // (B, T, H)
        var mask = input.AttentionMask is { } keep ? AdditiveMask(keep, x.dtype) : null;
        RotaryTables? rotary = null;
        if (Config.Positions == PositionEncoding.Rotary)
        {
            var positions = input.PositionIds ?? arange(x.shape[1], dtype: int64, device: x.device);
            rotary = TransformerRotary.Tables(positions, Config.HeadSize, Config.RotaryBase, x.dtype);
        }
        var attentions = new List<Tensor>();
        var states = new List<Tensor>();
        if (input.RecordHiddenStates) states.Add(x);
        for (var layer = 0; layer < _blocks.Count; layer++)
        {
            var record = input.RecordAttention == AttentionRecording.AllLayers
                || input.RecordAttention == AttentionRecording.LastLayer && layer == _blocks.Count - 1;
            var (hidden, probabilities) = _blocks[layer].Forward(x, mask, rotary, record);
            x = hidden;
            if (probabilities is not null) attentions.Add(probabilities);
            if (input.RecordHiddenStates) states.Add(x);
        }
        if (_finalNorm is not null) x = _finalNorm.call(x);
        return new TransformerOutput(x, attentions, states);
    }

    /// <summary>A (B, T) keep mask (bool or 0/1) as an additive (B, 1, 1, T) mask: 0 where kept, the dtype's lowest value at padding.</summary>
    public static Tensor AdditiveMask(Tensor keep, ScalarType dtype)
    {
        var padded = keep.to(ScalarType.Bool).logical_not().unsqueeze(1).unsqueeze(1);   // (B, 1, 1, T)
        return zeros(padded.shape, dtype, keep.device).masked_fill(padded, finfo(dtype).min);
    }

    private void Initialize()
    {
        using var noGrad = no_grad();
        var range = Config.InitializerRange;
        foreach (var module in modules())
        {
            switch (module)
            {
                case Linear linear:
                    init.normal_(linear.weight, 0, range);
                    if (linear.bias is { } bias) init.zeros_(bias);
                    break;
                case Embedding embedding:
                    init.normal_(embedding.weight, 0, range);
                    break;
            }
        }
        if (Config.PaddingId is { } pad && TokenEmbedding is { } tokens) tokens.weight![pad].zero_();
    }
}
