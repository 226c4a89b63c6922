using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace LabelFree.Learning.Nn;

/// <summary>
/// The block's position-wise MLP, (B, T, H) -> (B, T, H): Linear, exact GELU, Linear (BERT); or SwiGLU, where the
/// first Linear is twice as wide and its halves a, g give silu(a) * g (the NT's split order: the activated half first).
/// </summary>
public sealed class TransformerFeedForward : Module<Tensor, Tensor>
{
    private readonly Linear _in;
    private readonly Linear _out;
    private readonly FeedForwardKind _kind;

    public TransformerFeedForward(int hidden, int intermediate, FeedForwardKind kind, bool bias) : base(nameof(TransformerFeedForward))
    {
        _in = Linear(hidden, kind == FeedForwardKind.SwiGlu ? 2 * intermediate : intermediate, hasBias: bias);
        _out = Linear(intermediate, hidden, hasBias: bias);
        _kind = kind;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        var inner = _in.call(x);                                          // (B, T, I) or (B, T, 2I)
        if (_kind == FeedForwardKind.Gelu) return _out.call(functional.gelu(inner));
        var halves = inner.chunk(2, -1);                                  // 2 x (B, T, I)
        return _out.call(functional.silu(halves[0]) * halves[1]);
    }
}
