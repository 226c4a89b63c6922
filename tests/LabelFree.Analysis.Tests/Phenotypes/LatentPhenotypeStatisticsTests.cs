using LabelFree.Analysis.Gwas;
using LabelFree.Analysis.Phenotypes;
using LabelFree.Core.Randomness;

namespace LabelFree.Analysis.Tests.Phenotypes;

public class LatentPhenotypeStatisticsTests
{
    [Fact]
    public void Hungarian_finds_the_cheapest_assignment_that_brute_force_finds()
    {
        var rng = Rng.For(3, "hungarian");
        for (var trial = 0; trial < 20; trial++)
        {
            var n = 1 + trial % 6;
            var cost = new double[n, n];
            for (var i = 0; i < n; i++)
                for (var j = 0; j < n; j++) cost[i, j] = Math.Round(rng.Uniform(-5, 5), trial % 2 == 0 ? 0 : 3);  // ties on even trials
            var assignment = Hungarian.Solve(cost);
            Assert.Equal(Enumerable.Range(0, n), assignment.Order());
            var best = Permutations(Enumerable.Range(0, n).ToArray()).Min(p => p.Select((c, r) => cost[r, c]).Sum());
            Assert.Equal(best, assignment.Select((c, r) => cost[r, c]).Sum(), 9);
        }
    }

    [Fact]
    public void Hungarian_refuses_a_matrix_that_is_not_square()
    {
        Assert.Throws<ArgumentException>(() => Hungarian.Solve(new double[2, 3]));
    }

    [Fact]
    public void The_rank_inverse_normal_transformation_uses_Blom_ranks_shares_ties_and_keeps_missing_values()
    {
        var z = RankInverseNormal.Transform([10, double.NaN, -3, 10, 7]);
        // n = 4 present; ranks: -3 -> 1, 7 -> 2, the two 10s -> 3.5; p = (rank - 3/8) / (4 + 1/4).
        Assert.True(double.IsNaN(z[1]));
        Assert.Equal(GenomicInflation.NormalQuantile((1 - 0.375) / 4.25), z[2], 12);
        Assert.Equal(GenomicInflation.NormalQuantile((2 - 0.375) / 4.25), z[4], 12);
        Assert.Equal(z[0], z[3]);
        Assert.Equal(GenomicInflation.NormalQuantile((3.5 - 0.375) / 4.25), z[0], 12);
        // Symmetric and order-preserving on distinct values.
        var many = RankInverseNormal.Transform(Enumerable.Range(0, 101).Select(i => Math.Exp(i / 10.0)).ToArray());
        Assert.Equal(0, many[50], 12);
        Assert.Equal(-many[0], many[100], 12);
        Assert.True(many.Zip(many.Skip(1)).All(p => p.First < p.Second));
    }

    [Fact]
    public void Li_and_Ji_counts_independent_columns_once_each_and_copies_once_in_all()
    {
        var rng = Rng.For(5, "liji");
        var n = 2000;
        var independent = new double[n, 4];
        var copies = new double[n, 4];
        for (var i = 0; i < n; i++)
        {
            var shared = rng.NextGaussian();
            for (var j = 0; j < 4; j++)
            {
                independent[i, j] = rng.NextGaussian();
                copies[i, j] = shared * (j + 1);
            }
        }
        Assert.InRange(EffectiveTests.LiJi(independent), 3.7, 4 + 1e-9);  // eigenvalues in (0, 2) sum to 4: f(x) = x for each
        // Four copies: one eigenvalue of 4 (up to rounding) and three of 0. f is discontinuous at whole numbers (f(4) = 1,
        // f(4 - 1e-16) = 2 - 1e-16), so rounding can give either; both are far below the 4 of independent columns.
        Assert.InRange(EffectiveTests.LiJi(copies), 1 - 1e-9, 2 + 1e-9);
        // Eigenvalues 1.5, 0.5 of [[1, .5], [.5, 1]]: f = 1 + 0.5, then 0.5.
        Assert.Equal(2, EffectiveTests.FromCorrelation(new double[,] { { 1, 0.5 }, { 0.5, 1 } }), 9);
        Assert.Equal(2.5e-8, EffectiveTests.StudyWideThreshold(2) , 1e-20);
        Assert.Equal([3, 1], SymmetricEigen.Values(new double[,] { { 2, 1 }, { 1, 2 } }).Select(v => Math.Round(v, 9)));
    }

    [Fact]
    public void Seed_matching_recovers_permuted_sign_flipped_latents_and_merges_them()
    {
        var rng = Rng.For(7, "seeds");
        var (n, k) = (300, 5);
        var truth = new double[n, k];
        for (var i = 0; i < n; i++)
            for (var j = 0; j < k; j++) truth[i, j] = rng.NextGaussian();
        int[] permutation = [3, 0, 4, 1, 2];
        var other = new double[n, k];
        for (var i = 0; i < n; i++)
            for (var j = 0; j < k; j++) other[i, permutation[j]] = (j % 2 == 0 ? -2 : 3) * truth[i, j] + 0.3 * rng.NextGaussian();
        var merged = SeedMatching.Merge([truth, other]);
        Assert.Equal(permutation, merged.Assignment[0]);
        Assert.All(merged.MatchedCorrelation[0], r => Assert.InRange(r, 0.9, 1));
        var reference = SeedMatching.Standardise(truth);
        for (var j = 0; j < k; j++)
        {
            var r = Enumerable.Range(0, n).Sum(i => reference[i, j] * merged.Merged[i, j]) / (n - 1);
            Assert.InRange(r, 0.95, 1.0);  // sign-aligned, not cancelled
        }
        Assert.All(SeedMatching.Merge([truth]).Reproducibility(), r => Assert.Equal(1, r));
    }

    private static IEnumerable<int[]> Permutations(int[] items)
    {
        if (items.Length <= 1)
        {
            yield return items;
            yield break;
        }
        for (var i = 0; i < items.Length; i++)
            foreach (var rest in Permutations(items.Where((_, j) => j != i).ToArray()))
                yield return [items[i], .. rest];
    }
}
