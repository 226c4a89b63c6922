using LabelFree.Analysis.Gwas;
using LabelFree.Analysis.Loci;
using LabelFree.Data.Genotypes;

namespace LabelFree.Analysis.Tests.Loci;

public sealed class ClumpingTests
{
    // Five variants on 40 samples: v0 = v1 (r² 1), v2 independent of both, v3 = v0 but 300 kb away, v4 = v2.
    private static PackedGenotypes Genotypes()
    {
        var random = new Random(1);
        var a = Enumerable.Range(0, 40).Select(_ => (sbyte)random.Next(3)).ToArray();
        var b = Enumerable.Range(0, 40).Select(_ => (sbyte)random.Next(3)).ToArray();
        sbyte[][] rows = [a, a, b, a, b];
        var bytes = (40 + 3) / 4;
        var packed = new byte[rows.Length * bytes];
        for (var j = 0; j < rows.Length; j++) BedWriter.Pack(rows[j], packed.AsSpan(j * bytes, bytes));
        return new PackedGenotypes(40, rows.Length, (first, count, destination) => packed.AsSpan((int)first * bytes, count * bytes).CopyTo(destination));
    }

    private static readonly int[] Positions = [1_000, 2_000, 3_000, 302_000, 303_000];

    private static SumStats Stats(string phenotype, params double[] p) =>
        new(phenotype, p.Select((value, j) => new Association("1", Positions[j], $"v{j}", value)).ToArray());

    [Fact]
    public void Variants_in_ld_within_the_window_join_the_best_index_variant()
    {
        var ld = new LinkageDisequilibrium(Genotypes());
        var clumps = Clumping.Run(Stats("y", 1e-6, 1e-3, 1e-5, 1e-5, 0.5), id => int.Parse(id[1..]), ld, new ClumpSettings());

        Assert.Equal(["v0", "v2", "v3"], clumps.Select(c => c.Index.Id));
        Assert.Equal(["v0", "v1"], clumps[0].Members.Select(m => m.Id));   // v3 is in LD but 300 kb away
        Assert.Single(clumps[1].Members);                                   // v4 is in LD with v2 but has P > p2
        Assert.Equal((1_000, 2_000), (clumps[0].Start, clumps[0].End));
    }

    [Fact]
    public void Overlapping_clumps_of_different_phenotypes_merge_into_one_locus()
    {
        var ld = new LinkageDisequilibrium(Genotypes());
        var first = Clumping.Run(Stats("y", 1e-6, 1e-3, 0.9, 0.9, 0.9), id => int.Parse(id[1..]), ld, new ClumpSettings());
        var second = Clumping.Run(Stats("z", 0.9, 1e-9, 0.9, 0.9, 1e-5), id => int.Parse(id[1..]), ld, new ClumpSettings());

        var loci = IndependentLoci.Merge(first.Concat(second));

        Assert.Equal(2, loci.Count);
        Assert.Equal("v1", loci[0].Lead.Id);
        Assert.Equal(["y", "z"], loci[0].Phenotypes);
        Assert.Equal(("z", 303_000), (loci[1].LeadPhenotype, loci[1].Start));
    }

    [Fact]
    public void Labels_drop_the_shared_output_prefix() =>
        Assert.Equal(["ENSG1.4", "ENSG2.1"], SumStatsReader.Labels(["/x/run.ENSG1.4.glm.linear", "/x/run.ENSG2.1.glm.linear.gz"]));
}
