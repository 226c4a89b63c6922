using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace LabelFree.Learning.Nn;

/// <summary>One layer's attention output and its two associations, each (B, heads, L, L) with rows summing to 1.</summary>
public sealed record AnomalyAttentionOutput(Tensor Output, Tensor Series, Tensor Prior);

/// <summary>
/// The Anomaly Transformer's anomaly-attention (Xu et al., ICLR 2022, equation 2; the reference's AttentionLayer and
/// AnomalyAttention): multi-head self-attention whose weights are the series association S, and beside it a prior
/// association P, a Gaussian kernel over the distance |i - j| with a scale σ learned per point and head from the
/// input: σ = 3^(sigmoid(5 Linear(x)) + 1e-5) - 1. The reference returns the kernel and normalises it over keys wherever
/// it is used; here P is returned normalised, softmax(-|i - j|² / 2σ²), which is the same distribution. With
/// <c>causal</c>, position i attends only to j ≤ i (what MAAT's reference does, its mask flag left at True).
/// </summary>
public sealed class AnomalyAttention : Module
{
    private readonly Linear _query;
    private readonly Linear _key;
    private readonly Linear _value;
    private readonly Linear _sigma;
    private readonly Linear _output;
    private readonly Dropout _dropout;
    private readonly int _heads;
    private readonly bool _causal;

    public AnomalyAttention(int hidden, int heads, double dropout, bool causal) : base(nameof(AnomalyAttention))
    {
        _query = Linear(hidden, hidden);
        _key = Linear(hidden, hidden);
        _value = Linear(hidden, hidden);
        _sigma = Linear(hidden, heads);
        _output = Linear(hidden, hidden);
        _dropout = Dropout(dropout);
        (_heads, _causal) = (heads, causal);
        RegisterComponents();
    }

    /// <param name="x">(B, L, H)</param>
    public AnomalyAttentionOutput Forward(Tensor x)
    {
        var (batch, length, hidden) = (x.shape[0], x.shape[1], x.shape[2]);
        var size = hidden / _heads;
        Tensor Heads(Linear projection) => projection.call(x).view(batch, length, _heads, size).transpose(1, 2);  // (B, nh, L, d)
        var (q, k, v) = (Heads(_query), Heads(_key), Heads(_value));
        var scores = q.matmul(k.transpose(-2, -1)) / Math.Sqrt(size);                          // (B, nh, L, L)
        if (_causal) scores = scores.masked_fill(ones(length, length, dtype: ScalarType.Bool, device: x.device).triu(1), double.NegativeInfinity);
        var series = _dropout.call(functional.softmax(scores, -1));                             // (B, nh, L, L)

        var sigma = functional.sigmoid(_sigma.call(x).transpose(1, 2) * 5) + 1e-5;               // (B, nh, L)
        sigma = (sigma * Math.Log(3)).exp() - 1;                                                // 3^σ - 1
        var position = arange(length, dtype: x.dtype, device: x.device);
        var distance = (position.unsqueeze(1) - position.unsqueeze(0)).square();                // (L, L)
        var prior = functional.softmax(-distance / (2 * sigma.square().unsqueeze(-1)), -1);     // (B, nh, L, L)

        var context = series.matmul(v).transpose(1, 2).contiguous().view(batch, length, hidden); // (B, L, H)
        return new AnomalyAttentionOutput(_output.call(context), series, prior);
    }
}
