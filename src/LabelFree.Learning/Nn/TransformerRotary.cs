using static TorchSharp.torch;

namespace LabelFree.Learning.Nn;

/// <summary>Rotary cos/sin tables for one forward pass, each (B or 1, 1, T, head size).</summary>
public sealed record RotaryTables(Tensor Cos, Tensor Sin);

/// <summary>
/// Rotary position embeddings (Su et al., RoFormer 2021) in the rotate-half layout of GPT-NeoX, ESM and the Nucleotide
/// Transformer: channel i and i + d/2 of each head form a pair turned by angle p * base^(-2i/d) at position p. Applied
/// to queries and keys only, so q·k depends on positions through their difference alone.
/// </summary>
public static class TransformerRotary
{
    /// <summary>Tables for positions (T) or (B, T) of heads of <paramref name="headSize"/> channels.</summary>
    public static RotaryTables Tables(Tensor positions, int headSize, double rotaryBase, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        var inverse = pow(rotaryBase, arange(0, headSize, 2, dtype: float64, device: positions.device) / -(double)headSize);  // (d/2)
        var angles = positions.to(float64).unsqueeze(-1) * inverse;          // (T, d/2) or (B, T, d/2)
        var both = cat([angles, angles], -1);                                // (..., T, d)
        if (both.dim() == 2) both = both.unsqueeze(0);                        // (1, T, d)
        both = both.unsqueeze(1);                                             // (B|1, 1, T, d)
        return new RotaryTables(both.cos().to(dtype).MoveToOuterDisposeScope(), both.sin().to(dtype).MoveToOuterDisposeScope());
    }

    /// <summary>Rotates query or key heads (B, heads, T, d) by their positions.</summary>
    public static Tensor Apply(Tensor heads, RotaryTables tables)
    {
        var half = heads.shape[^1] / 2;
        var first = heads[TensorIndex.Ellipsis, TensorIndex.Slice(0, half)];   // (B, nh, T, d/2)
        var second = heads[TensorIndex.Ellipsis, TensorIndex.Slice(half)];     // (B, nh, T, d/2)
        var rotated = cat([-second, first], -1);                              // (B, nh, T, d)
        return heads * tables.Cos + rotated * tables.Sin;
    }
}
