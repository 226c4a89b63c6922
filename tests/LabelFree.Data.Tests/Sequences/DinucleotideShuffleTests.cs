using LabelFree.Core.Randomness;
using LabelFree.Data.Sequences;

namespace LabelFree.Data.Tests.Sequences;

public class DinucleotideShuffleTests
{
    private static Dictionary<string, int> Pairs(string s) =>
        Enumerable.Range(0, s.Length - 1).GroupBy(i => s.Substring(i, 2)).ToDictionary(g => g.Key, g => g.Count());

    [Fact]
    public void Shuffles_keep_every_dinucleotide_count_and_the_ends()
    {
        const string promoter = "GCGTATAAATGCNNACGTTTGACAGGCATCGATCGATTTAAAGCGCGCTATAAAGGCAGTCA";
        var rng = Rng.For(1, "shuffle");
        var shuffled = Enumerable.Range(0, 50).Select(_ => DinucleotideShuffle.Of(promoter, rng)).ToArray();
        Assert.All(shuffled, s =>
        {
            Assert.Equal(Pairs(promoter), Pairs(s));
            Assert.Equal(promoter[0], s[0]);
            Assert.Equal(promoter[^1], s[^1]);
        });
        Assert.True(shuffled.Distinct().Count() > 40);
        Assert.Equal(shuffled[0], DinucleotideShuffle.Of(promoter, Rng.For(1, "shuffle")));
    }

    [Fact]
    public void Every_sequence_with_the_same_dinucleotides_is_about_equally_likely()
    {
        // Every sequence with the same ends and dinucleotide counts, by brute force; then 6,000 shuffles should hit each about equally.
        const string source = "ACAGACGT";
        var target = Pairs(source);
        var all = Enumerable.Range(0, 1 << (2 * (source.Length - 2)))
            .Select(code => source[0] + new string(Enumerable.Range(0, source.Length - 2).Select(i => "ACGT"[(code >> (2 * i)) & 3]).ToArray()) + source[^1])
            .Where(s => Pairs(s).Count == target.Count && Pairs(s).All(p => target.GetValueOrDefault(p.Key) == p.Value)).ToArray();
        Assert.True(all.Length >= 3, string.Join(" ", all));
        var rng = Rng.For(2, "shuffle");
        var counts = Enumerable.Range(0, 6000).Select(_ => DinucleotideShuffle.Of(source, rng)).GroupBy(s => s).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(all.Order(), counts.Keys.Order());
        Assert.All(counts.Values, c => Assert.InRange(c, 6000 / all.Length * 0.85, 6000 / all.Length * 1.15));
    }
}
