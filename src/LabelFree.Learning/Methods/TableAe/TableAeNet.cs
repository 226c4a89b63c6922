using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace LabelFree.Learning.Methods.TableAe;

/// <summary>The encoding of a minibatch: latent mean (B, latent), log variance (VAE) or null, and the latent the decoder sees.</summary>
public sealed record TableEncoding(Tensor Mean, Tensor? LogVariance, Tensor Sample);

/// <summary>The network of <see cref="TableAeConfig"/>: standardisation buffers, MLP encoder and decoder.</summary>
public sealed class TableAeNet : Module
{
    private readonly Sequential _encoder;
    private readonly Linear _mean;
    private readonly Linear? _logVariance;
    private readonly Sequential _decoder;
    private readonly Parameter _center;  // fixed (no gradient): saved with the weights
    private readonly Parameter _scale;

    public TableAeNet(TableAeConfig config) : base(nameof(TableAeNet))
    {
        var widths = config.Hidden.ToArray();
        _encoder = Stack(config.Inputs, widths, config.Dropout);
        var last = widths.Length > 0 ? widths[^1] : config.Inputs;
        _mean = Linear(last, config.Latent);
        _logVariance = config.Variational ? Linear(last, config.Latent) : null;
        _decoder = Stack(config.Latent, widths.Reverse().ToArray(), config.Dropout);
        _decoder.append(Linear(widths.Length > 0 ? widths[0] : config.Latent, config.Inputs));
        _center = Parameter(zeros(config.Inputs), requires_grad: false);
        _scale = Parameter(ones(config.Inputs), requires_grad: false);
        RegisterComponents();
    }

    /// <summary>Sets the per-column standardisation (raw - mean) / sd; columns with sd 0 are only centred.</summary>
    public void SetStandardisation(float[] mean, float[] sd)
    {
        using var noGrad = no_grad();
        using var center = tensor(mean);
        using var scale = tensor(sd.Select(s => s > 0 ? s : 1f).ToArray());
        _center.copy_(center);
        _scale.copy_(scale);
    }

    /// <summary>Raw rows (B, inputs) -> standardised rows.</summary>
    public Tensor Standardise(Tensor raw) => (raw - _center) / _scale;

    /// <summary>Standardised rows back to raw values.</summary>
    public Tensor Unstandardise(Tensor standardised) => standardised * _scale + _center;

    /// <summary>Standardised rows (B, inputs) -> latent; the sample is reparameterised only for a VAE in training.</summary>
    public TableEncoding Encode(Tensor standardised)
    {
        var hidden = _encoder.call(standardised);       // (B, hidden[^1])
        var mean = _mean.call(hidden);                   // (B, latent)
        if (_logVariance is null) return new TableEncoding(mean, null, mean);
        var logVariance = _logVariance.call(hidden);
        var sample = training ? mean + (0.5 * logVariance).exp() * randn_like(mean) : mean;
        return new TableEncoding(mean, logVariance, sample);
    }

    /// <summary>Latent (B, latent) -> standardised reconstruction (B, inputs).</summary>
    public Tensor Decode(Tensor latent) => _decoder.call(latent);

    private static Sequential Stack(int inputs, int[] widths, double dropout)
    {
        var layers = Sequential();
        var previous = inputs;
        foreach (var width in widths)
        {
            layers.append(Linear(previous, width));
            layers.append(LayerNorm(width));
            layers.append(SiLU());
            if (dropout > 0) layers.append(Dropout(dropout));
            previous = width;
        }
        return layers;
    }
}
