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

    [Fact]
    public void Hausdorff95_matches_brute_force_surface_distances_on_an_anisotropic_grid()
    {
        int[] shape = [14, 12, 10];
        double[] spacing = [1, 1.5, 2.5];
        var n = shape[0] * shape[1] * shape[2];
        var rng = new Random(3);
        // Two blobby labels per map: balls with random centres and radii, label 2 written over label 1.
        float[] Map()
        {
            var map = new float[n];
            for (var label = 1; label <= 2; label++)
            {
                double cx = rng.Next(3, 11), cy = rng.Next(3, 9), cz = rng.Next(2, 8), r = 2 + 2 * rng.NextDouble();
                for (var i = 0; i < n; i++)
                {
                    int x = i % 14, y = i / 14 % 12, z = i / 168;
                    if (Math.Pow(x - cx, 2) + Math.Pow((y - cy) * 1.5, 2) + Math.Pow((z - cz) * 2.5, 2) < r * r * 2) map[i] = label;
                }
            }
            return map;
        }
        var a = Map();
        var b = Map();
        var hd = RegistrationMetrics.Hausdorff95PerLabel(a, b, shape, spacing);
        Assert.Equal([1, 2], hd.Keys);
        foreach (var (label, value) in hd) Assert.Equal(BruteForce(a, b, label), value, 6);
        Assert.All(RegistrationMetrics.Hausdorff95PerLabel(a, a, shape, spacing).Values, v => Assert.Equal(0, v));

        double BruteForce(float[] first, float[] second, int label)
        {
            List<(int X, int Y, int Z)> Surface(float[] map)
            {
                bool In(int x, int y, int z) => x >= 0 && y >= 0 && z >= 0 && x < 14 && y < 12 && z < 10 && map[(z * 12 + y) * 14 + x] == label;
                return Enumerable.Range(0, n).Select(i => (X: i % 14, Y: i / 14 % 12, Z: i / 168))
                    .Where(p => In(p.X, p.Y, p.Z) && !(In(p.X - 1, p.Y, p.Z) && In(p.X + 1, p.Y, p.Z) && In(p.X, p.Y - 1, p.Z) && In(p.X, p.Y + 1, p.Z)
                        && In(p.X, p.Y, p.Z - 1) && In(p.X, p.Y, p.Z + 1))).ToList();
            }
            var (sa, sb) = (Surface(first), Surface(second));
            double Nearest((int X, int Y, int Z) p, List<(int X, int Y, int Z)> to) =>
                to.Min(q => Math.Sqrt(Math.Pow(p.X - q.X, 2) + Math.Pow((p.Y - q.Y) * 1.5, 2) + Math.Pow((p.Z - q.Z) * 2.5, 2)));
            var distances = sa.Select(p => Nearest(p, sb)).Concat(sb.Select(p => Nearest(p, sa))).Order().ToList();
            return distances[(int)Math.Ceiling(0.95 * distances.Count) - 1];
        }
    }
}
