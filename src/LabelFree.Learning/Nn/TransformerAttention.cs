using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace LabelFree.Learning.Nn;

/// <summary>
/// Multi-head self-attention with an additive key mask and optional rotary positions. Without recorded probabilities
/// it calls LibTorch's fused <c>scaled_dot_product_attention</c>; with them it computes softmax(q kᵀ / √d + mask)
/// explicitly and returns the probabilities (B, heads, T, T) after the mask and before dropout.
/// </summary>
public sealed class TransformerAttention : Module
{
    private readonly Linear _query;
    private readonly Linear _key;
    private readonly Linear _value;
    private readonly Linear _output;
    private readonly int _heads;
    private readonly double _dropout;

    public TransformerAttention(int hidden, int heads, double dropout) : base(nameof(TransformerAttention))
    {
        _query = Linear(hidden, hidden);
        _key = Linear(hidden, hidden);
        _value = Linear(hidden, hidden);
        _output = Linear(hidden, hidden);
        _heads = heads;
        _dropout = dropout;
        RegisterComponents();
    }

    /// <param name="x">(B, T, H)</param>
    /// <param name="mask">Additive (B, 1, 1, T): 0 at real keys, a large negative number at padding; or null.</param>
    /// <param name="rotary">Rotary tables, or null.</param>
    /// <param name="returnProbabilities">Use the explicit path and return the attention probabilities.</param>
    public (Tensor Output, Tensor? Probabilities) Forward(Tensor x, Tensor? mask, RotaryTables? rotary, bool returnProbabilities)
    {
        var (batch, length, hidden) = (x.shape[0], x.shape[1], x.shape[2]);
        var size = hidden / _heads;
        Tensor Heads(Linear projection) => projection.call(x).view(batch, length, _heads, size).transpose(1, 2);  // (B, nh, T, d)
        var (q, k, v) = (Heads(_query), Heads(_key), Heads(_value));
        if (rotary is not null)
        {
            q = TransformerRotary.Apply(q, rotary);
            k = TransformerRotary.Apply(k, rotary);
        }
        var dropout = training ? _dropout : 0;
        Tensor? probabilities = null;
        Tensor context;
        if (!returnProbabilities)
        {
            context = functional.scaled_dot_product_attention(q, k, v, mask, dropout);    // (B, nh, T, d)
        }
        else
        {
            var scores = q.matmul(k.transpose(-2, -1)) / Math.Sqrt(size);                  // (B, nh, T, T)
            if (mask is not null) scores = scores + mask;
            probabilities = functional.softmax(scores, -1);
            context = functional.dropout(probabilities, dropout, training).matmul(v);     // (B, nh, T, d)
        }
        var merged = context.transpose(1, 2).contiguous().view(batch, length, hidden);     // (B, T, H)
        return (_output.call(merged), probabilities);
    }
}
