using LabelFree.Analysis.Loci;
using LabelFree.Reports.Gwas;
using LabelFree.TestKit;

namespace LabelFree.Reports.Tests.Gwas;

public sealed class GwasFiguresTests
{
    private static SumStats Uniform(string name, int seed)
    {
        var random = new Random(seed);
        return new SumStats(name, Enumerable.Range(0, 2000)
            .Select(i => new Association(i < 1000 ? "1" : "2", 1000 * (i % 1000) + 1, $"v{i}", 1 - random.NextDouble())).ToArray());
    }

    [Fact]
    public void Writes_manhattan_and_qq_pngs_for_one_and_for_several_phenotypes()
    {
        using var temp = new TempFolder();
        SumStats[] results = [Uniform("a", 1), Uniform("b", 2)];

        GwasFigures.Manhattan(temp["m.png"], results, "two");
        var lambdas = GwasFigures.QQ(temp["q.png"], [results[0]], "one");

        foreach (var file in new[] { "m.png", "q.png" })
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, File.ReadAllBytes(temp[file])[..4]);
        Assert.InRange(Assert.Single(lambdas), 0.85, 1.15);
    }
}
