using LabelFree.Core.Randomness;
using LabelFree.Core.Training;
using LabelFree.Data.Imaging;
using LabelFree.Learning.Methods.Deformable;
using LabelFree.Learning.Registration;
using LabelFree.TestKit;

namespace LabelFree.Learning.Tests.Registration;

public class RealPairsTests
{
    /// <summary>A textured ellipsoid on a 40x36x32 grid of 2 mm, and the same brain moved 6 mm along x.</summary>
    private static (NiftiImage Fixed, NiftiImage Moving, bool[] Mask) ShiftedBrains()
    {
        var (fixedImage, mask) = TestBrains.Ellipsoid();
        var (data, shape) = (fixedImage.Data, fixedImage.Shape);
        // moving(p) = fixed(p - 6 mm along x)
        var moving = fixedImage.WithData(Resample.ToGrid(data, shape, fixedImage.Affine, shape,
            Affine.Multiply(new double[] { 1, 0, 0, -6, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1 }, fixedImage.Affine), Interpolation.Linear));
        return (fixedImage, moving, mask);
    }

    private static double MeanDifference(RegistrationBatch batch, int index)
    {
        var f = batch.Fixed[index].data<float>().ToArray();
        var m = batch.Moving[index].data<float>().ToArray();
        var inside = Enumerable.Range(0, f.Length).Where(i => f[i] > 0 || m[i] > 0).ToArray();
        return inside.Average(i => Math.Abs(f[i] - m[i]));
    }

    [Fact]
    public void Pairs_are_sampled_through_their_affine_in_both_directions()
    {
        var (fixedImage, moving, mask) = ShiftedBrains();
        var movingMask = moving.Data.Select(v => v > 0).ToArray();
        var grid = new RegistrationGrid([16, 16, 16], 4.0);
        double[] shift = [1, 0, 0, 6, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];  // fixed world point -> moving world point
        var aligned = new RealPairs([new AlignedPair(fixedImage, mask, moving, movingMask, shift)], grid, TestTorch.Cpu);
        var unaligned = new RealPairs([new AlignedPair(fixedImage, mask, moving, movingMask, Affine.Identity())], grid, TestTorch.Cpu);

        Assert.Equal(2, aligned.Count);
        var batch = aligned.Load([0, 1], Rng.For(1, "test"));
        var baseline = unaligned.Load([0, 1], Rng.For(1, "test"));
        Assert.Equal(new long[] { 2, 1, 16, 16, 16 }, batch.Fixed.shape);
        for (var direction = 0; direction < 2; direction++)
        {
            var error = MeanDifference(batch, direction);
            var before = MeanDifference(baseline, direction);
            Assert.True(error < 0.25 * before, $"direction {direction}: |fixed - moving| {error:F4} with the affine, {before:F4} without");
        }
    }

    [Fact]
    public void A_mix_of_deformed_and_real_pairs_draws_each_step_from_one_source()
    {
        var (fixedImage, moving, mask) = ShiftedBrains();
        var grid = new RegistrationGrid([16, 16, 16], 4.0);
        var real = new RealPairs([new AlignedPair(fixedImage, mask, moving, moving.Data.Select(v => v > 0).ToArray(), Affine.Identity())], grid, TestTorch.Cpu);
        var deformed = new DeformedPairs([(fixedImage, mask)], grid, new DeformationOptions(), TestTorch.Cpu);
        var mixed = BatchStreams.Mix((deformed, 1.0), (real.AsStream(), 1.0));

        var fromReal = 0;
        for (var step = 0; step < 40; step++)
        {
            var batch = mixed.Next(2, Rng.For(2, "augment", step));
            Assert.Equal(2, batch.Fixed.shape[0]);
            var isReal = Enumerable.Range(0, real.Count).Any(i => real.Load([i], new Rng(0)).Moving[0].allclose(batch.Moving[0], 0, 0));
            if (isReal) fromReal++;
        }
        Assert.InRange(fromReal, 10, 30);
    }
}
