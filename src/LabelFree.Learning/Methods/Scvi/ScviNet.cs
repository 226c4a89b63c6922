using LabelFree.Learning.Objectives;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace LabelFree.Learning.Methods.Scvi;

/// <summary>The posterior q(z | x): mean, variance and a reparameterised sample, each (B, latent).</summary>
public sealed record LatentPosterior(Tensor Mean, Tensor Variance, Tensor Sample);

/// <summary>The decoder's output for a minibatch, each (B, genes): normalised expression, NB mean, inverse dispersion, dropout logits (ZINB) or null.</summary>
public sealed record CountDistribution(Tensor Scale, Tensor Mean, Tensor Theta, Tensor? DropoutLogits);

/// <summary>scVI's loss terms, each a scalar mean over the minibatch.</summary>
public sealed record ScviLoss(Tensor Total, Tensor Reconstruction, Tensor Kl);

/// <summary>
/// The scVI network of <see cref="ScviConfig"/>, split as scvi-tools splits its VAE module: <see cref="Inference"/>
/// (encoder, q(z | x)), <see cref="Generative"/> (decoder, p(x | z, batch)) and <see cref="Loss"/> (negative ELBO).
/// </summary>
public sealed class ScviNet : Module
{
    private readonly ScviConfig _config;
    private readonly Sequential _encoder;
    private readonly Linear _mean;
    private readonly Linear _logVariance;
    private readonly Sequential _decoder;
    private readonly Linear _scale;
    private readonly Linear? _dropout;
    private readonly Parameter _logTheta;

    public ScviNet(ScviConfig config) : base(nameof(ScviNet))
    {
        _config = config;
        _encoder = HiddenLayer(config.Genes, config, config.DropoutRate);
        _mean = Linear(config.Hidden, config.Latent);
        _logVariance = Linear(config.Hidden, config.Latent);
        _decoder = HiddenLayer(config.Latent + config.BatchInputs, config, dropout: 0);
        _scale = Linear(config.Hidden, config.Genes);
        _dropout = config.Likelihood == GeneLikelihood.Zinb ? Linear(config.Hidden, config.Genes) : null;
        _logTheta = Parameter(randn(config.Genes));
        RegisterComponents();
    }

    /// <summary>Counts (B, genes) -> q(z | x) with a reparameterised sample; the encoder sees log(1 + counts).</summary>
    public LatentPosterior Inference(Tensor counts)
    {
        var hidden = _encoder.call(counts.log1p());                       // (B, hidden)
        var mean = _mean.call(hidden);                                    // (B, latent)
        var variance = _logVariance.call(hidden).exp() + _config.VarianceEps;
        var sample = mean + variance.sqrt() * randn_like(mean);
        return new LatentPosterior(mean, variance, sample);
    }

    /// <summary>Latent (B, latent), batch one-hot (B, batches) or null, log library (B, 1) -> the count distribution.</summary>
    public CountDistribution Generative(Tensor latent, Tensor? batchOneHot, Tensor logLibrary)
    {
        var input = batchOneHot is null ? latent : cat([latent, batchOneHot], 1);  // (B, latent + batches)
        var hidden = _decoder.call(input);
        var scale = functional.softmax(_scale.call(hidden), -1);            // (B, genes), rows sum to 1
        var mean = logLibrary.exp() * scale;
        return new CountDistribution(scale, mean, _logTheta.exp(), _dropout?.call(hidden));
    }

    /// <summary>Negative ELBO per cell with the KL weighted by <paramref name="klWeight"/>, averaged over the minibatch.</summary>
    public ScviLoss Loss(Tensor counts, Tensor? batchOneHot, double klWeight)
    {
        var posterior = Inference(counts);
        var logLibrary = counts.sum(1, keepdim: true).clamp_min(1).log();  // (B, 1), observed library size
        var px = Generative(posterior.Sample, batchOneHot, logLibrary);
        var logLikelihood = px.DropoutLogits is { } pi
            ? CountLikelihoods.ZeroInflatedNegativeBinomial(counts, px.Mean, px.Theta, pi)
            : CountLikelihoods.NegativeBinomial(counts, px.Mean, px.Theta);
        var reconstruction = -logLikelihood.sum(1);                        // (B,)
        var kl = GaussianKl.ToStandardNormal(posterior.Mean, posterior.Variance, posterior.Variance.log()).sum(1);  // (B,), summed over latent dimensions
        var total = (reconstruction + klWeight * kl).mean();
        return new ScviLoss(total, reconstruction.mean(), kl.mean());
    }

    private static Sequential HiddenLayer(int inputs, ScviConfig config, double dropout) => Sequential(
        ("linear", Linear(inputs, config.Hidden)),
        ("norm", BatchNorm1d(config.Hidden, eps: config.BatchNormEps, momentum: config.BatchNormMomentum)),
        ("act", ReLU()),
        ("dropout", Dropout(dropout)));
}
