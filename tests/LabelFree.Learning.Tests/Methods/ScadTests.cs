using LabelFree.Core.Randomness;
using LabelFree.Data.Imaging;
using LabelFree.Learning.Methods.Scad;
using LabelFree.TestKit;
using static TorchSharp.torch;

namespace LabelFree.Learning.Tests.Methods;

/// <summary>SCAD's own behaviour on a small configuration (the shared contract is in <see cref="MethodContractTests"/>).</summary>
public class ScadTests
{
    private static readonly ScadConfig Tiny = new()
    {
        Preprocessing = new PreprocessingOptions(Height: 40, Width: 24),
        Teacher = new() { Channels = 1, Width = 4, SmallInputs = false },
    };

    [Fact]
    public void The_student_mirrors_the_teachers_three_scales_and_only_the_student_side_learns()
    {
        _ = TestTorch.Cpu;
        using var scope = NewDisposeScope();
        using var net = new ScadNet(Tiny);
        var features = net.call(rand(2, 1, 64, 32));
        long[][] expected = [[2, 4, 16, 8], [2, 8, 8, 4], [2, 16, 4, 2]];
        for (var k = 0; k < 3; k++)
        {
            Assert.Equal(expected[k], features.Teacher[k].shape);
            Assert.Equal(expected[k], features.Student[k].shape);
        }
        Assert.Equal([2L, 3], features.ScaleWeights.shape);
        Assert.True(features.ScaleWeights.sum(1).sub(1).abs().max().item<float>() < 1e-5);
        Assert.All(net.Teacher.parameters(), p => Assert.False(p.requires_grad));
        Assert.Contains(net.parameters(), p => p.requires_grad);
    }

    [Fact]
    public void The_noisy_view_changes_one_patch_per_slice_within_the_configured_sizes_and_is_seeded()
    {
        _ = TestTorch.Cpu;
        using var scope = NewDisposeScope();
        var slices = Enumerable.Range(0, 4).Select(_ => Enumerable.Repeat(0.5f, 40 * 24).ToArray()).ToList();
        var source = new ScadBatches(new SliceDataset(slices, 40, 24, TestTorch.Cpu), Tiny);
        var a = source.Load([0, 1, 2, 3], Rng.For(1, "augment", 0));
        var b = source.Load([0, 1, 2, 3], Rng.For(1, "augment", 0));
        Assert.True(a.Noisy.equal(b.Noisy).all().item<bool>());
        Assert.True(a.Clean.equal(tensor(slices.SelectMany(s => s).ToArray(), [4, 1, 40, 24])).all().item<bool>());
        var changed = a.Noisy.ne(a.Clean).sum([1, 2, 3]).data<long>().ToArray();
        // Sides between 10/256 and 1/8 of the slice: at most 5 x 3 pixels here.
        Assert.All(changed, c => Assert.InRange(c, 1, 5 * 3));
    }

    [Fact]
    public void Fractal_noise_is_seeded_bounded_and_not_constant()
    {
        var a = FractalNoise.Patch(12, 10, 6, 0.6, 14, Rng.For(2, "noise"));
        var b = FractalNoise.Patch(12, 10, 6, 0.6, 14, Rng.For(2, "noise"));
        Assert.Equal(a, b);
        Assert.All(a, v => Assert.InRange(v, -2.5, 2.5));   // the octaves' amplitudes sum to 2.38
        Assert.True(a.Max() - a.Min() > 0.2);
    }
}
