using static TorchSharp.torch;

namespace LabelFree.Learning.Objectives;

/// <summary>The Kullback-Leibler divergence of a diagonal Gaussian posterior from the standard normal prior (Kingma and Welling 2014).</summary>
public static class GaussianKl
{
    /// <summary>
    /// KL(N(mean, variance) || N(0, 1)) per element: 0.5 (variance + mean^2 - 1 - log variance). The caller sums over
    /// latent dimensions (scVI) or averages (StRegA's reference). <paramref name="logVariance"/> is passed, not computed,
    /// so a method that predicts it keeps it exact.
    /// </summary>
    public static Tensor ToStandardNormal(Tensor mean, Tensor variance, Tensor logVariance) =>
        0.5 * (variance + mean.pow(2) - 1 - logVariance);

    /// <summary>
    /// The same for a posterior given by its log standard deviation (the ceVAE's parameterisation):
    /// 0.5 (exp(2 log std) + mean^2 - 1) - log std, equal to the above with variance = std^2.
    /// </summary>
    public static Tensor FromLogStd(Tensor mean, Tensor logStd) =>
        0.5 * ((2 * logStd).exp() + mean.pow(2) - 1) - logStd;
}
