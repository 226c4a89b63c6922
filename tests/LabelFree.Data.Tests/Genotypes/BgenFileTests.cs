using LabelFree.Core.Errors;
using LabelFree.Data.Genotypes;
using LabelFree.TestKit;

namespace LabelFree.Data.Tests.Genotypes;

public sealed class BgenFileTests
{
    private static readonly string[] Ids = ["s1", "s2", "s3", "s4", "s5"];

    // P(11), P(12) per sample (unphased) or the two haplotypes' P(allele 1) (phased); sample 3 missing.
    private static readonly double[][] Values =
    [
        [1, 0, 0, 1, 0, 0, 0.2, 0.5, 0.9, 0.1],
        [0.25, 0.5, 0, 0, 0, 0, 1, 0, 0.6, 0.3],
    ];

    private static readonly bool[] Missing = [false, false, true, false, false];

    private static string Write(TempFolder temp, int bits, BgenCompression compression, bool phased, bool ids = true)
    {
        var path = temp[$"b{bits}{compression}{phased}.bgen"];
        BgenWriter.Write(path, Ids, 2, Values.Select((v, j) => new BgenRecord(new BgenVariant($"1:{10 + j}", $"rs{j}", "1", 10 + j, "A", "G"), v, Missing)),
            new BgenWriteOptions(bits, compression, phased, ids));
        return path;
    }

    [Theory]
    [InlineData(1, BgenCompression.None, false)]
    [InlineData(8, BgenCompression.Zlib, false)]
    [InlineData(16, BgenCompression.Zstd, true)]
    [InlineData(24, BgenCompression.None, true)]
    [InlineData(32, BgenCompression.Zlib, false)]
    [InlineData(32, BgenCompression.Zstd, true)]
    public void Written_probabilities_read_back_at_every_bit_depth(int bits, BgenCompression compression, bool phased)
    {
        using var temp = new TempFolder();
        using var bgen = BgenFile.Open(Write(temp, bits, compression, phased));
        Assert.Equal((5, 2L, compression), (bgen.SampleCount, bgen.VariantCount, bgen.Compression));
        Assert.Equal(Ids, bgen.SampleIds!);
        Assert.Equal(["rs0", "rs1"], bgen.Variants().Select(v => v.Rsid));
        var max = (1UL << bits) - 1;
        for (var v = 0; v < 2; v++)
        {
            var p = bgen.ReadProbabilities(v);
            Assert.Equal((bits, phased), (p.Bits, p.Phased));
            Assert.Equal(Missing, p.Missing);
            for (var i = 0; i < 5; i++)
            {
                if (Missing[i]) continue;
                var a = Math.Round(Values[v][2 * i] * max, MidpointRounding.AwayFromZero);
                var b = Math.Round(Values[v][2 * i + 1] * max, MidpointRounding.AwayFromZero);
                if (!phased && a + b > max) b = max - a;
                Assert.Equal(((ulong)a, (ulong)b), (p.Values[2 * i], p.Values[2 * i + 1]));
            }
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Dosages_are_expected_allele_counts_exact_or_on_plink2s_grid(bool phased)
    {
        using var temp = new TempFolder();
        using var bgen = BgenFile.Open(Write(temp, 32, BgenCompression.Zstd, phased));
        var exact = new double[10];
        var grid = new double[10];
        List<int>[] missing = [[], []];
        bgen.ReadDosages(0, 2, exact, 5, missing, countAllele2: false, plink2Grid: false);
        Assert.Equal([[2], [2]], missing);
        bgen.ReadDosages(0, 2, grid, 5, missing, countAllele2: false, plink2Grid: true);
        for (var v = 0; v < 2; v++)
            for (var i = 0; i < 5; i++)
            {
                var (p, q) = (Values[v][2 * i], Values[v][2 * i + 1]);
                var allele1 = Missing[i] ? 0 : phased ? p + q : 2 * p + q;
                Assert.Equal(allele1, exact[v * 5 + i], 1e-8);
                Assert.Equal(Math.Floor(allele1 * 16384 + 0.5) / 16384, grid[v * 5 + i], 1e-12);
            }
        var allele2 = new double[10];
        bgen.ReadDosages(0, 2, allele2, 5, missing, countAllele2: true, plink2Grid: false);
        Assert.Equal(2 - exact[0], allele2[0], 1e-12);
        Assert.Equal(0, allele2[2]);   // missing stays 0
    }

    [Fact]
    public void Hostile_headers_are_refused_before_allocating_from_them()
    {
        using var temp = new TempFolder();
        var valid = File.ReadAllBytes(Write(temp, 8, BgenCompression.Zlib, false));
        void Expect(string name, Action<byte[]> corrupt, string words)
        {
            var bytes = (byte[])valid.Clone();
            corrupt(bytes);
            File.WriteAllBytes(temp[name], bytes);
            var before = GC.GetTotalAllocatedBytes(precise: true);
            var e = Assert.Throws<UserInputException>(() =>
            {
                using var bgen = BgenFile.Open(temp[name]);
                bgen.ReadProbabilities(1);
            });
            Assert.Contains(words, e.Message);
            Assert.Contains(name, e.Message);
            Assert.True(GC.GetTotalAllocatedBytes(precise: true) - before < 1 << 20, $"{name}: allocated too much");
        }
        Expect("m.bgen", b => BitConverter.GetBytes(uint.MaxValue).CopyTo(b, 8), "variants");          // M = 4 billion
        Expect("n.bgen", b => BitConverter.GetBytes(200_000_000u).CopyTo(b, 12), "samples");           // N far beyond the blocks
        Expect("magic.bgen", b => b[16] = (byte)'x', "magic");
        Expect("layout.bgen", b => b[20] = 1 | (1 << 2), "layout 1");
        Expect("offset.bgen", b => BitConverter.GetBytes(1u << 30).CopyTo(b, 0), "offset");
        Expect("ids.bgen", b => BitConverter.GetBytes(1u << 30).CopyTo(b, 24), "identifier");
        Expect("block.bgen", b => b[^30] ^= 0x55, "corrupt");                                          // inside the last zlib stream
        File.WriteAllBytes(temp["cut.bgen"], valid[..^10]);
        Assert.Contains("past the end", Assert.Throws<UserInputException>(() => BgenFile.Open(temp["cut.bgen"]).Dispose()).Message);
    }
}
