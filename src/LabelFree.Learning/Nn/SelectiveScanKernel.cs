using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using static TorchSharp.torch;

namespace LabelFree.Learning.Nn;

/// <summary>
/// The CPU float32 selective scan behind <see cref="SelectiveScan"/>, without the D skip and z gate: u, Δ (B, D, L),
/// A (D, N), B, C (B, N, L) -> y (B, D, L) with y_t = C_t · h_t, h_t = exp(Δ_t A) ⊙ h_{t-1} + Δ_t u_t B_t. The N
/// states of a channel are padded to a multiple of 8 and held in 256-bit vectors; batch rows run in parallel (as many
/// as LibTorch has threads), each row in a fixed order, so results do not depend on the thread count. The backward
/// pass recomputes each channel's states into a buffer of L x N floats, then walks time backwards.
/// </summary>
internal static class SelectiveScanKernel
{
    private const int Lanes = 8;  // floats in a Vector256

    /// <summary>The scan as a LibTorch autograd function: inputs u, Δ, A, B, C; output y.</summary>
    internal sealed class Function : autograd.SingleTensorFunction<Function>
    {
        public override string Name => "SelectiveScan";

        public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
        {
            var inputs = vars.Cast<Tensor>().ToList();
            ctx.save_for_backward(inputs);
            return Forward(inputs[0], inputs[1], inputs[2], inputs[3], inputs[4]);
        }

        public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradOutput)
        {
            var saved = ctx.get_saved_variables();
            return Backward(saved[0], saved[1], saved[2], saved[3], saved[4], gradOutput);
        }
    }

    /// <summary>Sizes: batch, channels, length, states, and vectors of 8 states per channel.</summary>
    private readonly record struct Dims(int Batch, int Channels, int Length, int States)
    {
        public int Vectors => (States + Lanes - 1) / Lanes;
        public int Padded => Vectors * Lanes;
    }

    public static Tensor Forward(Tensor u, Tensor delta, Tensor a, Tensor b, Tensor c)
    {
        var s = Check(u, delta, a, b, c);
        var (uc, dc) = (u.contiguous(), delta.contiguous());
        var (aPad, bPad, cPad) = (PadRows(a, s), TimeMajor(b, s), TimeMajor(c, s));
        var y = empty([s.Batch, s.Channels, s.Length], ScalarType.Float32);
        Parallel.For(0, s.Batch, Options(), row =>
        {
            Span<float> us = Floats(uc), ds = Floats(dc), ys = Floats(y);
            Span<Vector256<float>> av = Vectors(aPad), bv = Vectors(bPad), cv = Vectors(cPad);
            Span<Vector256<float>> h = stackalloc Vector256<float>[s.Vectors];
            for (var d = 0; d < s.Channels; d++)
            {
                h.Clear();
                var first = (row * s.Channels + d) * s.Length;
                var ad = av.Slice(d * s.Vectors, s.Vectors);
                for (var t = 0; t < s.Length; t++)
                {
                    var dt = ds[first + t];
                    var x = dt * us[first + t];
                    var bt = bv.Slice((row * s.Length + t) * s.Vectors, s.Vectors);
                    var ct = cv.Slice((row * s.Length + t) * s.Vectors, s.Vectors);
                    var sum = Vector256<float>.Zero;
                    for (var k = 0; k < s.Vectors; k++)
                    {
                        h[k] = Exp(ad[k] * dt) * h[k] + bt[k] * x;
                        sum += h[k] * ct[k];
                    }
                    ys[first + t] = Vector256.Sum(sum);
                }
            }
        });
        return y;
    }

    /// <returns>Gradients of u, Δ, A, B, C.</returns>
    public static List<Tensor> Backward(Tensor u, Tensor delta, Tensor a, Tensor b, Tensor c, Tensor gradOutput)
    {
        var s = Check(u, delta, a, b, c);
        var (uc, dc, gc) = (u.contiguous(), delta.contiguous(), gradOutput.to(ScalarType.Float32).contiguous());
        var (aPad, bPad, cPad) = (PadRows(a, s), TimeMajor(b, s), TimeMajor(c, s));
        var (du, ddelta) = (empty([s.Batch, s.Channels, s.Length], ScalarType.Float32), empty([s.Batch, s.Channels, s.Length], ScalarType.Float32));
        var da = new float[s.Batch * s.Channels * s.Padded];   // one partial sum per batch row, added in row order below
        var (db, dcGrad) = (new float[bPad.Length], new float[cPad.Length]);
        Parallel.For(0, s.Batch, Options(), () => new float[2 * s.Length * s.Padded], (row, _, buffer) =>
        {
            Span<float> us = Floats(uc), ds = Floats(dc), gs = Floats(gc), dus = Floats(du), dds = Floats(ddelta);
            Span<Vector256<float>> av = Vectors(aPad), bv = Vectors(bPad), cv = Vectors(cPad);
            Span<Vector256<float>> dav = Vectors(da), dbv = Vectors(db), dcv = Vectors(dcGrad);
            var states = Vectors(buffer).Slice(0, s.Length * s.Vectors);              // h_t, (L, N)
            var decays = Vectors(buffer).Slice(s.Length * s.Vectors);                 // exp(Δ_t A), (L, N)
            Span<Vector256<float>> h = stackalloc Vector256<float>[s.Vectors];
            Span<Vector256<float>> gh = stackalloc Vector256<float>[s.Vectors];       // dL/dh_t from later steps
            for (var d = 0; d < s.Channels; d++)
            {
                var first = (row * s.Channels + d) * s.Length;
                var ad = av.Slice(d * s.Vectors, s.Vectors);
                var dad = dav.Slice((row * s.Channels + d) * s.Vectors, s.Vectors);
                h.Clear();
                for (var t = 0; t < s.Length; t++)
                {
                    var dt = ds[first + t];
                    var x = dt * us[first + t];
                    var bt = bv.Slice((row * s.Length + t) * s.Vectors, s.Vectors);
                    for (var k = 0; k < s.Vectors; k++)
                    {
                        var decay = Exp(ad[k] * dt);
                        decays[t * s.Vectors + k] = decay;
                        h[k] = decay * h[k] + bt[k] * x;
                        states[t * s.Vectors + k] = h[k];
                    }
                }
                gh.Clear();
                for (var t = s.Length - 1; t >= 0; t--)
                {
                    var (dt, ut, gy) = (ds[first + t], us[first + t], gs[first + t]);
                    var x = dt * ut;
                    var at = (row * s.Length + t) * s.Vectors;
                    Span<Vector256<float>> bt = bv.Slice(at, s.Vectors), ct = cv.Slice(at, s.Vectors), dbt = dbv.Slice(at, s.Vectors), dct = dcv.Slice(at, s.Vectors);
                    var (gDt, gX) = (Vector256<float>.Zero, Vector256<float>.Zero);
                    for (var k = 0; k < s.Vectors; k++)
                    {
                        var g = gh[k] + ct[k] * gy;                                        // dL/dh_t
                        var state = states[t * s.Vectors + k];
                        var previous = t > 0 ? states[(t - 1) * s.Vectors + k] : Vector256<float>.Zero;
                        var decay = decays[t * s.Vectors + k];
                        dct[k] += state * gy;
                        var gDecayArgument = g * previous * decay;                         // dL/d(Δ_t A)
                        gDt += gDecayArgument * ad[k];
                        dad[k] += gDecayArgument * dt;
                        gX += g * bt[k];                                                   // dL/d(Δ_t u_t)
                        dbt[k] += g * x;
                        gh[k] = g * decay;
                    }
                    var gx = Vector256.Sum(gX);
                    dds[first + t] = Vector256.Sum(gDt) + gx * ut;
                    dus[first + t] = gx * dt;
                }
            }
            return buffer;
        }, _ => { });

        var aGrad = new float[s.Channels * s.Padded];
        for (var row = 0; row < s.Batch; row++)
            for (var i = 0; i < aGrad.Length; i++) aGrad[i] += da[row * aGrad.Length + i];
        return [du, ddelta, UnpadRows(aGrad, s), ChannelMajor(db, s), ChannelMajor(dcGrad, s)];
    }

    /// <summary>
    /// e^x in 8 lanes, Cephes' expf (about 1 ulp; x clamped to [-87.3, 88.4]): .NET's Vector256.Exp was measured here at
    /// 120-230 ns a call (Release), which made the kernel slower than the recurrence in LibTorch; this takes a few ns.
    /// </summary>
    private static Vector256<float> Exp(Vector256<float> x)
    {
        x = Vector256.Min(Vector256.Max(x, Vector256.Create(-87.3365447504f)), Vector256.Create(88.3762626647f));
        var n = Vector256.Floor(x * Vector256.Create(1.44269504088896341f) + Vector256.Create(0.5f));   // round(x / ln 2)
        var r = x - n * Vector256.Create(0.693359375f) - n * Vector256.Create(-2.12194440e-4f);            // x - n ln 2, in two parts
        var p = Vector256.Create(1.9875691500e-4f);
        p = p * r + Vector256.Create(1.3981999507e-3f);
        p = p * r + Vector256.Create(8.3334519073e-3f);
        p = p * r + Vector256.Create(4.1665795894e-2f);
        p = p * r + Vector256.Create(1.6666665459e-1f);
        p = p * r + Vector256.Create(5.0000001201e-1f);
        var y = p * r * r + r + Vector256<float>.One;                                                      // e^r
        var scale = Vector256.ShiftLeft(Vector256.ConvertToInt32(n) + Vector256.Create(127), 23).AsSingle();  // 2^n
        return y * scale;
    }

    private static Dims Check(Tensor u, Tensor delta, Tensor a, Tensor b, Tensor c)
    {
        var s = new Dims((int)u.shape[0], (int)u.shape[1], (int)u.shape[2], (int)a.shape[1]);
        long[] channels = [s.Batch, s.Channels, s.Length], states = [s.Batch, s.States, s.Length];
        if (!delta.shape.SequenceEqual(channels) || !b.shape.SequenceEqual(states) || !c.shape.SequenceEqual(states)
            || a.shape[0] != s.Channels || new[] { u, delta, a, b, c }.Any(t => t.dtype != ScalarType.Float32 || t.device_type != TorchSharp.DeviceType.CPU))
            throw new ArgumentException("selective scan: expected float32 CPU tensors u, delta (B, D, L), A (D, N), B, C (B, N, L)");
        return s;
    }

    private static ParallelOptions Options() => new() { MaxDegreeOfParallelism = Math.Max(1, get_num_threads()) };

    private static Span<float> Floats(Tensor t) => MemoryMarshal.Cast<byte, float>(t.bytes);

    private static Span<Vector256<float>> Vectors(float[] values) => MemoryMarshal.Cast<float, Vector256<float>>(values.AsSpan());

    /// <summary>A (D, N) as D rows of N floats padded with zeros to a multiple of 8 (a zero A keeps a padded state at zero).</summary>
    private static float[] PadRows(Tensor a, Dims s)
    {
        var values = a.contiguous().data<float>().ToArray();
        var padded = new float[s.Channels * s.Padded];
        for (var d = 0; d < s.Channels; d++) Array.Copy(values, d * s.States, padded, d * s.Padded, s.States);
        return padded;
    }

    private static Tensor UnpadRows(float[] padded, Dims s)
    {
        var values = new float[s.Channels * s.States];
        for (var d = 0; d < s.Channels; d++) Array.Copy(padded, d * s.Padded, values, d * s.States, s.States);
        return tensor(values, [s.Channels, s.States]);
    }

    /// <summary>B or C (B, N, L) as (B, L, N padded): the states of one time step side by side.</summary>
    private static float[] TimeMajor(Tensor x, Dims s)
    {
        var values = x.contiguous().data<float>().ToArray();
        var result = new float[s.Batch * s.Length * s.Padded];
        for (var row = 0; row < s.Batch; row++)
            for (var n = 0; n < s.States; n++)
                for (var t = 0; t < s.Length; t++)
                    result[(row * s.Length + t) * s.Padded + n] = values[(row * s.States + n) * s.Length + t];
        return result;
    }

    private static Tensor ChannelMajor(float[] timeMajor, Dims s)
    {
        var values = new float[s.Batch * s.States * s.Length];
        for (var row = 0; row < s.Batch; row++)
            for (var n = 0; n < s.States; n++)
                for (var t = 0; t < s.Length; t++)
                    values[(row * s.States + n) * s.Length + t] = timeMajor[(row * s.Length + t) * s.Padded + n];
        return tensor(values, [s.Batch, s.States, s.Length]);
    }
}
