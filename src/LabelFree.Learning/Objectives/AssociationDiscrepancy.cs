using static TorchSharp.torch;

namespace LabelFree.Learning.Objectives;

/// <summary>
/// The Anomaly Transformer's association discrepancy (Xu et al., ICLR 2022, equations 4-6; the reference's
/// <c>my_kl_loss</c>): per layer, the symmetric KL divergence between each point's series association S (its attention
/// over the window) and its prior association P (a Gaussian over distances), with 1e-4 added inside each log, summed
/// over keys and averaged over heads. Inputs are per layer (B, heads, L, L), rows summing to 1.
/// </summary>
public static class AssociationDiscrepancy
{
    /// <summary>KL(p || q) per query: Σ_keys p (log(p + 1e-4) - log(q + 1e-4)), averaged over heads: (B, nh, L, L) -> (B, L).</summary>
    public static Tensor Kl(Tensor p, Tensor q) => (p * ((p + 1e-4).log() - (q + 1e-4).log())).sum(-1).mean([1]);

    /// <summary>
    /// The two phases of the minimax strategy, each averaged over layers and points: the series phase
    /// KL(S || sg(P)) + KL(sg(P) || S), whose gradient reaches only the series association (maximised), and the prior
    /// phase KL(P || sg(S)) + KL(sg(S) || P), which reaches only the prior (minimised). sg is stop-gradient.
    /// </summary>
    public static (Tensor SeriesPhase, Tensor PriorPhase) Minimax(IReadOnlyList<Tensor> series, IReadOnlyList<Tensor> priors)
    {
        Tensor? seriesPhase = null, priorPhase = null;
        for (var layer = 0; layer < series.Count; layer++)
        {
            var (s, p) = (series[layer], priors[layer]);
            var (fixedS, fixedP) = (s.detach(), p.detach());
            var sTerm = Kl(s, fixedP).mean() + Kl(fixedP, s).mean();
            var pTerm = Kl(p, fixedS).mean() + Kl(fixedS, p).mean();
            seriesPhase = seriesPhase is null ? sTerm : seriesPhase + sTerm;
            priorPhase = priorPhase is null ? pTerm : priorPhase + pTerm;
        }
        return (seriesPhase! / series.Count, priorPhase! / series.Count);
    }

    /// <summary>Each point's discrepancy summed over layers and multiplied by the temperature (the reference's test-time series_loss + prior_loss): (B, L).</summary>
    public static Tensor PerPoint(IReadOnlyList<Tensor> series, IReadOnlyList<Tensor> priors, double temperature)
    {
        Tensor? total = null;
        for (var layer = 0; layer < series.Count; layer++)
        {
            var both = Kl(series[layer], priors[layer]) + Kl(priors[layer], series[layer]);
            total = total is null ? both : total + both;
        }
        return total! * temperature;
    }
}
