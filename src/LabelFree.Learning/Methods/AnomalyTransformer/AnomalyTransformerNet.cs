using LabelFree.Learning.Nn;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace LabelFree.Learning.Methods.AnomalyTransformer;

/// <summary>The network's reconstruction of a batch of windows (B, L, C) and each layer's associations (B, heads, L, L).</summary>
public sealed record AssociationOutput(Tensor Reconstruction, IReadOnlyList<Tensor> Series, IReadOnlyList<Tensor> Priors);

/// <summary>
/// The Anomaly Transformer's network (<see cref="AnomalyTransformerConfig"/>), and MAAT's when given a
/// <see cref="MambaConfig"/>: (B, L, C) windows -> reconstruction and associations. MAAT (the reference's
/// MambaAnomalyTransformer Encoder) follows every layer with one gated Mamba block whose weights all layers share, as
/// the reference does: skip = LN(Mamba(x) + x_in), g = sigmoid(Linear([x, skip])), x = g skip + (1 - g) x, where x_in is
/// the layer's input and LN the encoder's final LayerNorm (shared too).
/// </summary>
public sealed class AnomalyTransformerNet : Module<Tensor, AssociationOutput>
{
    private readonly Conv1d _tokens;
    private readonly Dropout _dropout;
    private readonly ModuleList<AnomalyTransformerLayer> _layers;
    private readonly Mamba? _mamba;
    private readonly Linear? _gate;
    private readonly LayerNorm _norm;
    private readonly Linear _projection;
    private readonly int _hidden;

    public AnomalyTransformerNet(AnomalyTransformerConfig config, MambaConfig? mamba = null) : base(nameof(AnomalyTransformerNet))
    {
        _hidden = config.Hidden;
        _tokens = Conv1d(config.Input.Count, config.Hidden, 3, padding: 1, padding_mode: TorchSharp.PaddingModes.Circular, bias: false);
        _dropout = Dropout(config.Dropout);
        _layers = ModuleList(Enumerable.Range(0, config.Layers).Select(_ => new AnomalyTransformerLayer(config)).ToArray());
        if (mamba is not null)
        {
            _mamba = new Mamba(mamba with { Model = config.Hidden });
            _gate = Linear(2 * config.Hidden, config.Hidden);
        }
        _norm = LayerNorm(config.Hidden);
        _projection = Linear(config.Hidden, config.Input.Count);
        RegisterComponents();
        using var noGrad = no_grad();
        init.kaiming_normal_(_tokens.weight, mode: init.FanInOut.FanIn, nonlinearity: init.NonlinearityType.LeakyReLU);
    }

    public override AssociationOutput forward(Tensor x)
    {
        var length = x.shape[1];
        var positions = TransformerEmbedding.Sinusoids(arange(length, dtype: int64, device: x.device), _hidden, x.dtype);  // (L, H)
        var hidden = _dropout.call(_tokens.call(x.transpose(1, 2)).transpose(1, 2) + positions);                           // (B, L, H)
        var (series, priors) = (new List<Tensor>(), new List<Tensor>());
        foreach (var layer in _layers)
        {
            var input = hidden;
            var output = layer.Forward(hidden);
            hidden = output.Output;
            if (_mamba is not null)
            {
                var skip = _norm.call(_mamba.call(hidden) + input);                                  // (B, L, H)
                var gate = functional.sigmoid(_gate!.call(cat([hidden, skip], -1)));
                hidden = gate * skip + (1 - gate) * hidden;
            }
            series.Add(output.Series);
            priors.Add(output.Prior);
        }
        return new AssociationOutput(_projection.call(_norm.call(hidden)), series, priors);          // (B, L, C)
    }
}
