using LabelFree.Analysis.Gwas;
using LabelFree.Data.Genotypes;

namespace LabelFree.Analysis.Tests.Gwas;

public sealed class BlockProductTests
{
    [Theory]
    [InlineData(5, 3)]
    [InlineData(1030, 17)]   // more than one sample chunk, a partial panel
    public void Packed_product_equals_the_naive_product_of_dosages(int n, int columns)
    {
        var random = new Random(n);
        const int records = 11, rows = 16;
        var dosages = Enumerable.Range(0, records).Select(_ => Enumerable.Range(0, n).Select(_ => (sbyte)(random.Next(4) - 1)).ToArray()).ToArray();
        var bytes = (n + 3) / 4;
        var packed = new byte[rows * bytes];
        for (var r = 0; r < records; r++) BedWriter.Pack(dosages[r], packed.AsSpan(r * bytes, bytes));
        var z = Enumerable.Range(0, columns).Select(_ => Enumerable.Range(0, n).Select(_ => random.NextDouble() - 0.5).ToArray()).ToArray();
        var panels = BlockProduct.PanelCount(columns);
        var c = new double[rows * panels * BlockProduct.Width];

        BlockProduct.MultiplyPacked(packed, records, rows, bytes, n, [(BlockProduct.Pack(z, n), panels)], [c], new double[rows * BlockProduct.ChunkSamples]);

        for (var r = 0; r < rows; r++)
            for (var j = 0; j < columns; j++)
            {
                var expected = r < records ? Enumerable.Range(0, n).Sum(i => Math.Max(0, (int)dosages[r][i]) * z[j][i]) : 0;
                Assert.Equal(expected, c[r * panels * BlockProduct.Width + j], 1e-9);
            }
    }
}
