using LabelFree.Learning.Nn;
using LabelFree.TestKit;
using static TorchSharp.torch;

namespace LabelFree.Learning.Tests.Nn;

/// <summary>
/// The CPU selective-scan kernel against the per-step recurrence, as the Mamba reference's own test does
/// (tests/ops/test_selective_scan.py: batch 2, 4 channels, 8 states, input-dependent B and C, D, z, a Δ bias and
/// softplus; fp32 outputs within rtol 6e-4, atol 2e-3, and its tolerances for each gradient).
/// </summary>
public class SelectiveScanTests
{
    private const double Rtol = 6e-4, Atol = 2e-3;

    private sealed record Inputs(Tensor U, Tensor Delta, Tensor A, Tensor B, Tensor C, Tensor D, Tensor Z, Tensor DeltaBias)
    {
        public Tensor[] All => [U, Delta, A, B, C, D, Z, DeltaBias];

        public Inputs Copy() => new(U.detach().clone().requires_grad_(), Delta.detach().clone().requires_grad_(), A.detach().clone().requires_grad_(),
            B.detach().clone().requires_grad_(), C.detach().clone().requires_grad_(), D.detach().clone().requires_grad_(),
            Z.detach().clone().requires_grad_(), DeltaBias.detach().clone().requires_grad_());
    }

    private static Inputs Draw(int batch, int channels, int states, int length, long seed)
    {
        var g = new Generator((ulong)seed);
        return new Inputs(randn([batch, channels, length], generator: g), (0.5 * rand([batch, channels, length], generator: g)),
            -0.5 * rand([channels, states], generator: g), randn([batch, states, length], generator: g), randn([batch, states, length], generator: g),
            randn([channels], generator: g), randn([batch, channels, length], generator: g), 0.5 * rand([channels], generator: g)).Copy();
    }

    private static Tensor Run(Inputs x, bool fast) => fast
        ? SelectiveScan.Apply(x.U, x.Delta, x.A, x.B, x.C, x.D, x.Z, x.DeltaBias, deltaSoftplus: true)
        : SelectiveScan.Reference(x.U, x.Delta, x.A, x.B, x.C, x.D, x.Z, x.DeltaBias, deltaSoftplus: true);

    [Theory]
    [InlineData(2, 4, 8, 128)]
    [InlineData(2, 4, 8, 512)]
    [InlineData(3, 6, 5, 100)]    // states not a multiple of the vector width
    [InlineData(1, 3, 16, 37)]
    public void The_kernel_matches_the_per_step_recurrence_in_values_and_gradients(int batch, int channels, int states, int length)
    {
        _ = TestTorch.Cpu;
        using var scope = NewDisposeScope();
        var fast = Draw(batch, channels, states, length, seed: 0);
        var reference = fast.Copy();
        var outFast = Run(fast, fast: true);
        var outReference = Run(reference, fast: false);
        AssertClose("out", outFast, outReference, Rtol, Atol);

        var g = randn(outFast.shape, generator: new Generator(7));
        outReference.backward([g]);
        outFast.backward([g]);
        // The reference's tolerances: with z, the weights' (rtolw, atolw) rise to (rtol, atol).
        AssertClose("du", fast.U.grad!, reference.U.grad!, 2 * Rtol, 2 * Atol);
        AssertClose("ddelta", fast.Delta.grad!, reference.Delta.grad!, 5 * Rtol, 10 * Atol);
        AssertClose("dA", fast.A.grad!, reference.A.grad!, Rtol, 5 * Atol);
        AssertClose("dB", fast.B.grad!, reference.B.grad!, Rtol, Atol);
        AssertClose("dC", fast.C.grad!, reference.C.grad!, Rtol, Atol);
        AssertClose("dD", fast.D.grad!, reference.D.grad!, Rtol, Atol);
        AssertClose("dz", fast.Z.grad!, reference.Z.grad!, Rtol, Atol);
        AssertClose("ddelta_bias", fast.DeltaBias.grad!, reference.DeltaBias.grad!, Rtol, Atol);
    }

    [Fact]
    public void The_kernel_gives_the_same_bits_with_one_thread_or_two()
    {
        _ = TestTorch.Cpu;
        using var scope = NewDisposeScope();
        var inputs = Draw(4, 8, 8, 64, seed: 3);
        var threads = get_num_threads();
        try
        {
            set_num_threads(1);
            var one = Run(inputs, fast: true);
            one.sum().backward();
            var oneGrad = inputs.A.grad!.clone();
            inputs.A.grad!.zero_();
            set_num_threads(2);
            var two = Run(inputs, fast: true);
            two.sum().backward();
            Assert.True(one.equal(two).all().item<bool>());
            Assert.True(oneGrad.equal(inputs.A.grad!).all().item<bool>());
        }
        finally
        {
            set_num_threads(threads);
        }
    }

    [Fact]
    public void A_mamba_block_keeps_the_shape_is_causal_and_learns()
    {
        _ = TestTorch.Cpu;
        using var scope = NewDisposeScope();
        manual_seed(2);
        using var block = new Mamba(new MambaConfig { Model = 16, State = 8, Conv = 4, Expand = 2 });
        var x = randn(3, 20, 16, generator: new Generator(5));
        var y = block.call(x);
        Assert.Equal([3L, 20, 16], y.shape);

        // Causal: changing step 12 leaves steps 0..11 unchanged.
        var changed = x.clone();
        changed[.., 12, ..] += 1;
        var y2 = block.call(changed);
        Assert.True(y2[.., ..12].allclose(y[.., ..12], rtol: 0, atol: 1e-6));
        Assert.False(y2[.., 12..].allclose(y[.., 12..], rtol: 0, atol: 1e-3));

        // A few Adam steps fit a shifted copy of the input better than the start.
        var target = x.roll(1, 1) * 0.5;
        using var optimizer = optim.Adam(block.parameters(), 1e-2);
        double First() => nn.functional.mse_loss(block.call(x), target).item<float>();
        var start = First();
        for (var step = 0; step < 30; step++)
        {
            using var stepScope = NewDisposeScope();
            optimizer.zero_grad();
            nn.functional.mse_loss(block.call(x), target).backward();
            optimizer.step();
        }
        Assert.True(First() < 0.7 * start, $"loss {First()} from {start}");
    }

    private static void AssertClose(string what, Tensor actual, Tensor expected, double rtol, double atol)
    {
        var excess = ((actual - expected).abs() - (atol + rtol * expected.abs())).max().item<float>();
        var maxDiff = (actual - expected).abs().max().item<float>();
        Assert.True(excess <= 0, $"{what}: max |diff| {maxDiff} exceeds rtol {rtol}, atol {atol}");
    }
}
