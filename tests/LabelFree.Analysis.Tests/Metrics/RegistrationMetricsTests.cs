using LabelFree.Analysis.Metrics;

namespace LabelFree.Analysis.Tests.Metrics;

public class RegistrationMetricsTests
{
    [Fact]
    public void Dice_per_label_of_known_maps()
    {
        float[] reference = [0, 1, 1, 1, 1, 2, 2, 0];
        float[] warped = [0, 1, 1, 0, 2, 2, 2, 3];
        var dice = RegistrationMetrics.DicePerLabel(warped, reference);
        Assert.Equal([1, 2], dice.Keys);
        Assert.Equal(2.0 * 2 / (4 + 2), dice[1], 10);
        Assert.Equal(2.0 * 2 / (2 + 3), dice[2], 10);
    }

    [Fact]
    public void Jacobian_of_identity_scaling_and_a_fold()
    {
        int[] shape = [6, 5, 4];
        var n = 6 * 5 * 4;
        double[] affine = [2, 0, 0, 0, 0, 2, 0, 0, 0, 0, 2, 0, 0, 0, 0, 1];
        var zero = new float[n];
        Assert.All(RegistrationMetrics.JacobianDeterminant(zero, zero, zero, shape, affine), d => Assert.Equal(1, d, 5));

        // phi(x) = 1.5 x: displacement 0.5 x in world mm (2 mm voxels) -> determinant 1.5^3.
        float[] Component(int axis) => Enumerable.Range(0, n).Select(i => 0.5f * 2 * (axis == 0 ? i % 6 : axis == 1 ? i / 6 % 5 : i / 30)).ToArray();
        var scaled = RegistrationMetrics.JacobianDeterminant(Component(0), Component(1), Component(2), shape, affine);
        Assert.All(scaled, d => Assert.Equal(3.375, d, 4));
        Assert.Equal(0, RegistrationMetrics.FoldingFraction(scaled));

        // phi_x(x) = -x: a mirror folds every voxel.
        var mirror = Enumerable.Range(0, n).Select(i => -2f * 2 * (i % 6)).ToArray();
        var folded = RegistrationMetrics.JacobianDeterminant(mirror, zero, zero, shape, affine);
        Assert.Equal(1, RegistrationMetrics.FoldingFraction(folded));
        var within = Enumerable.Range(0, n).Select(i => i < 10).ToArray();
        Assert.Equal(1, RegistrationMetrics.FoldingFraction(folded, within));
    }
}
