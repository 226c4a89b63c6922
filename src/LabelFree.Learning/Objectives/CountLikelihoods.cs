using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace LabelFree.Learning.Objectives;

/// <summary>
/// Log-likelihoods of counts under the negative binomial (NB) and zero-inflated negative binomial (ZINB) in the
/// mean/inverse-dispersion parameterisation of scVI (Lopez et al., Nature Methods 2018): mean <c>mu</c> &gt; 0,
/// inverse dispersion <c>theta</c> &gt; 0 (variance mu + mu^2 / theta), and for ZINB the logit <c>pi</c> of the
/// dropout probability. Written in log space with softplus and lgamma so that large counts, tiny means and extreme
/// logits stay finite; <c>eps</c> (1e-8, as in scvi-tools) guards the logarithms. All arguments broadcast; the result
/// has the broadcast shape (one value per count).
/// </summary>
public static class CountLikelihoods
{
    public const double Eps = 1e-8;

    /// <summary>log NB(x; mu, theta) = theta log(theta/(theta+mu)) + x log(mu/(theta+mu)) + lgamma(x+theta) - lgamma(theta) - lgamma(x+1).</summary>
    public static Tensor NegativeBinomial(Tensor x, Tensor mu, Tensor theta)
    {
        var logThetaMu = (theta + mu + Eps).log();
        return theta * ((theta + Eps).log() - logThetaMu)
               + x * ((mu + Eps).log() - logThetaMu)
               + (x + theta).lgamma() - theta.lgamma() - (x + 1).lgamma();
    }

    /// <summary>
    /// log ZINB(x; mu, theta, pi) with dropout probability sigmoid(pi): for x = 0,
    /// log(sigmoid(pi) + sigmoid(-pi) NB(0)); for x &gt; 0, log sigmoid(-pi) + log NB(x). Both cases use
    /// log sigmoid(-pi) = -softplus(pi) and log(e^a + e^b) = softplus(a - b) + b, never forming a probability.
    /// </summary>
    public static Tensor ZeroInflatedNegativeBinomial(Tensor x, Tensor mu, Tensor theta, Tensor piLogits)
    {
        var logThetaMu = (theta + mu + Eps).log();
        var logNbZero = theta * ((theta + Eps).log() - logThetaMu);            // log NB(0)
        var logNotDropout = -softplus(piLogits);                               // log sigmoid(-pi)
        // x = 0: log(sigmoid(pi) + sigmoid(-pi) NB(0)) = log sigmoid(-pi) + log(e^pi + NB(0)) = -softplus(pi) + softplus(logNbZero - pi) + pi
        var caseZero = softplus(logNbZero - piLogits) + piLogits + logNotDropout;
        var caseNonZero = logNotDropout + logNbZero + x * ((mu + Eps).log() - logThetaMu)
                          + (x + theta).lgamma() - theta.lgamma() - (x + 1).lgamma();
        return where(x < Eps, caseZero, caseNonZero);
    }
}
