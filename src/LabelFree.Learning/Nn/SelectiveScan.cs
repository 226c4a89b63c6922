using static TorchSharp.torch;

namespace LabelFree.Learning.Nn;

/// <summary>
/// Mamba's selective scan (Gu and Dao 2023, Algorithm 2; the reference's <c>selective_scan_fn</c>): for each batch
/// row b and channel d, a state h of <c>N</c> numbers runs over time,
/// h_t = exp(Δ_t A_d) ⊙ h_{t-1} + Δ_t u_t B_t and y_t = C_t · h_t + D_d u_t, then y is gated by silu(z). Δ may get a
/// bias and a softplus first, as Mamba does. Shapes follow the reference: u, Δ, z (B, D, L); A (D, N); B, C (B, N, L)
/// (input-dependent); D and the Δ bias (D).
/// <para>
/// On the CPU in float32 the scan runs in <see cref="SelectiveScanKernel"/>: one pass over time per (b, d) with the N
/// states in SIMD registers, and a backward pass that recomputes the states instead of storing them (as the
/// reference's CUDA kernel does). Elsewhere, and in <see cref="Reference"/>, it is the plain per-step recurrence in
/// tensor operations, which the kernel is tested against.
/// </para>
/// </summary>
public static class SelectiveScan
{
    /// <returns>y (B, D, L)</returns>
    public static Tensor Apply(Tensor u, Tensor delta, Tensor a, Tensor b, Tensor c, Tensor? d = null, Tensor? z = null, Tensor? deltaBias = null,
        bool deltaSoftplus = false) =>
        Scan(u, delta, a, b, c, d, z, deltaBias, deltaSoftplus, fast: u.device_type == TorchSharp.DeviceType.CPU && u.dtype == ScalarType.Float32);

    /// <summary>The same scan as a per-step recurrence in tensor operations (the reference's <c>selective_scan_ref</c>), on any device.</summary>
    public static Tensor Reference(Tensor u, Tensor delta, Tensor a, Tensor b, Tensor c, Tensor? d = null, Tensor? z = null, Tensor? deltaBias = null,
        bool deltaSoftplus = false) =>
        Scan(u, delta, a, b, c, d, z, deltaBias, deltaSoftplus, fast: false);

    private static Tensor Scan(Tensor u, Tensor delta, Tensor a, Tensor b, Tensor c, Tensor? d, Tensor? z, Tensor? deltaBias, bool deltaSoftplus, bool fast)
    {
        if (deltaBias is not null) delta = delta + deltaBias.unsqueeze(-1);                 // (B, D, L)
        if (deltaSoftplus) delta = nn.functional.softplus(delta);
        var y = fast ? SelectiveScanKernel.Function.apply(u, delta, a, b, c) : Recurrence(u, delta, a, b, c);  // (B, D, L)
        if (d is not null) y = y + u * d.unsqueeze(-1);
        return z is null ? y : y * nn.functional.silu(z);
    }

    /// <summary>h_t = exp(Δ_t A) h_{t-1} + Δ_t u_t B_t, y_t = C_t · h_t, one time step after another.</summary>
    private static Tensor Recurrence(Tensor u, Tensor delta, Tensor a, Tensor b, Tensor c)
    {
        // unbind, not select per step: its backward is one stack, where L selects would each add a full-size gradient.
        var decay = exp(delta.unsqueeze(-1) * a.unsqueeze(1)).unbind(2);                     // L x (B, D, N)
        var input = ((delta * u).unsqueeze(-1) * b.transpose(1, 2).unsqueeze(1)).unbind(2);  // L x (B, D, N)
        var readout = c.permute(2, 0, 1).unsqueeze(-1).unbind(0);                            // L x (B, N, 1)
        var state = zeros(u.shape[0], u.shape[1], a.shape[1], dtype: u.dtype, device: u.device);  // (B, D, N)
        var outputs = new Tensor[decay.Length];
        for (var t = 0; t < outputs.Length; t++)
        {
            state = decay[t] * state + input[t];                                              // (B, D, N)
            outputs[t] = state.matmul(readout[t]).squeeze(-1);                                // (B, D)
        }
        return stack(outputs, 2);                                                             // (B, D, L)
    }
}
