using LabelFree.Analysis.Gwas;
using LabelFree.Data.Genotypes;

namespace LabelFree.Analysis.Tests.Gwas;

public sealed class GenotypeCodingTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(33)]
    [InlineData(130)]
    public void Decoding_inverts_packing_and_counts_agree(int n)
    {
        var random = new Random(n);
        var dosages = Enumerable.Range(0, n).Select(_ => (sbyte)(random.Next(4) - 1)).ToArray();
        var packed = new byte[(n + 3) / 4];
        BedWriter.Pack(dosages, packed);

        var decoded = new double[(n + 3) / 4 * 4];
        var missing = new List<int>();
        GenotypeDecoder.Decode(packed, n, decoded, missing);
        var counts = GenotypeCounts.Count(packed, GenotypeCounts.Mask(n));

        Assert.Equal(dosages.Select(d => Math.Max(0, (int)d)).Select(d => (double)d), decoded.Take(n));
        Assert.Equal(Enumerable.Range(0, n).Where(i => dosages[i] < 0), missing);
        Assert.Equal(dosages.Count(d => d == 2), counts.HomA1);
        Assert.Equal(dosages.Count(d => d == 1), counts.Het);
        Assert.Equal(dosages.Count(d => d < 0), counts.Missing);
        Assert.Equal(dosages.Where(d => d > 0).Sum(d => d * d), counts.SumOfSquares);
    }
}
