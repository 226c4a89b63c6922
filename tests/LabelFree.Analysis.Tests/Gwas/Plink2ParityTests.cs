using System.Globalization;
using System.IO.Compression;
using LabelFree.Analysis.Gwas;
using LabelFree.Data.Genotypes;
using LabelFree.Data.Tables;
using LabelFree.TestKit;

namespace LabelFree.Analysis.Tests.Gwas;

/// <summary>
/// The scan against plink2 2.00a3.5 --glm on GEUVADIS chr22 (358 people, 85,485 SNPs, two genes); the reference rows and
/// the commands that made them are in Fixtures/glm. plink2 prints 6 significant digits, so BETA and SE are held to
/// 1e-6 relative plus half a unit in plink2's last printed digit; -log10 P to 1e-4.
/// </summary>
[Trait(Category.Name, Category.Slow)]
public sealed class Plink2ParityTests
{
    private static readonly string Fixtures = Path.Combine(AppContext.BaseDirectory, "Fixtures", "glm");
    private static readonly string[] Genes = ["ENSG00000172404.4", "ENSG00000215270.3"];

    [Theory]
    [InlineData("nocov", false, false)]
    [InlineData("cov", true, false)]
    [InlineData("miss", true, true)]   // injected missing genotypes, and NA phenotypes for the second gene
    public void Scan_and_writer_match_plink2(string run, bool covariates, bool missing)
    {
        using var temp = new TempFolder();
        var prefix = RepoData.File("genetics/geuv_chr22");
        if (missing) prefix = InjectMissing(prefix, temp["miss"]);
        using var fileset = PlinkFileset.Open(prefix);
        var phenotypes = SampleTableReader.Read(Path.Combine(Fixtures, missing ? "pheno_na.txt" : "pheno.txt"), fileset.Samples);
        var covar = covariates ? SampleTableReader.Read(Path.Combine(Fixtures, "covar.txt"), fileset.Samples) : null;
        var groups = PhenotypeGroup.Build(phenotypes.Names, phenotypes.Values, covar?.Names ?? [], covar?.Values ?? [], fileset.Samples.Count, _ => { });
        var variants = fileset.Variants().ToList();
        var index = variants.Select((v, i) => (v.Id, i)).ToDictionary(p => p.Id, p => p.i);
        var blocks = new List<GwasBlock>();
        using (var writer = new GlmLinearWriter(temp["lf"], phenotypes.Names, groups, gzip: false, threads: 2))
        {
            GwasScan.Run(new PackedGenotypes(fileset.Samples.Count, fileset.VariantCount, fileset.Bed.ReadPacked), groups, new GwasOptions(2), block =>
            {
                blocks.Add(block);
                writer.Write(block, variants.Skip((int)block.First).Take(block.Count)
                    .Select(v => new GlmVariant(v.Chrom, v.Position, v.Id, v.Allele2, v.Allele1)).ToArray());
            }, fileset.Samples.Select(s => s.IsFounder).ToArray());
            writer.Commit();
        }

        for (var p = 0; p < Genes.Length; p++)
        {
            var expected = ReadTable(Path.Combine(Fixtures, $"{run}.{Genes[p]}.glm.linear.gz"));
            var written = ReadTable(temp[$"lf.{Genes[p]}.glm.linear"]).ToDictionary(r => r["ID"]);
            Assert.Equal(variants.Count, written.Count);
            Assert.True(expected.Count > 2000);
            foreach (var row in expected)
            {
                var ours = written[row["ID"]];
                foreach (var column in new[] { "#CHROM", "POS", "REF", "ALT", "A1", "TEST", "OBS_CT", "ERRCODE" })
                    Assert.Equal(row[column], ours[column]);
                var (beta, se, df) = FullPrecision(blocks, groups, p, index[row["ID"]]);
                AssertClose(row["BETA"], beta, row["ID"]);
                AssertClose(row["SE"], se, row["ID"]);
                var negLog10P = StudentT.NegLog10P(beta / se, df);
                Assert.True(Math.Abs(-Math.Log10(Parse(row["P"])) - negLog10P) <= 1e-4, $"{row["ID"]}: P {row["P"]} vs -log10 {negLog10P}");
            }
        }
    }

    // Ours at full precision, oriented to plink2's A1.
    private static (double Beta, double Se, int Df) FullPrecision(List<GwasBlock> blocks, IReadOnlyList<PhenotypeGroup> groups, int phenotype, int variant)
    {
        var block = blocks.Single(b => variant >= b.First && variant < b.First + b.Count);
        var v = variant - (int)block.First;
        var g = groups.Select((group, i) => (group, i)).Single(x => x.group.Phenotypes.Contains(phenotype)).i;
        var result = block.Groups[g];
        var k = Array.IndexOf(result.Group.Phenotypes, phenotype);
        return ((block.ReportsA2(v) ? -1 : 1) * result.Beta[k][v], result.Se[k][v], result.DegreesOfFreedom(v));
    }

    private static void AssertClose(string printed, double actual, string id)
    {
        var value = Parse(printed);
        var halfLastDigit = 0.5 * Math.Pow(10, Math.Floor(Math.Log10(Math.Abs(value))) - 5);
        Assert.True(Math.Abs(actual - value) <= 1e-6 * Math.Abs(value) + halfLastDigit, $"{id}: plink2 {printed}, ours {actual:R}");
    }

    private static double Parse(string s) => double.Parse(s, CultureInfo.InvariantCulture);

    private static List<Dictionary<string, string>> ReadTable(string path)
    {
        using var stream = path.EndsWith(".gz", StringComparison.Ordinal)
            ? (Stream)new GZipStream(File.OpenRead(path), CompressionMode.Decompress) : File.OpenRead(path);
        using var reader = new StreamReader(stream);
        var header = reader.ReadLine()!.Split('\t');
        var rows = new List<Dictionary<string, string>>();
        while (reader.ReadLine() is { } line)
        {
            var fields = line.Split('\t');
            rows.Add(header.Select((h, i) => (h, fields[i])).ToDictionary(x => x.h, x => x.Item2));
        }
        return rows;
    }

    // The rule of make_fixtures.sh: genotype (sample i, variant j) missing where (7i + 13j) % 97 == 0.
    private static string InjectMissing(string source, string target)
    {
        File.Copy(source + ".bim", target + ".bim");
        File.Copy(source + ".fam", target + ".fam");
        var n = File.ReadLines(source + ".fam").Count();
        var bed = File.ReadAllBytes(source + ".bed");
        var bytesPerVariant = (n + 3) / 4;
        var m = (bed.Length - 3) / bytesPerVariant;
        for (var j = 0; j < m; j++)
            for (var i = 0; i < n; i++)
                if ((7 * i + 13 * j) % 97 == 0)
                {
                    var k = 3 + j * bytesPerVariant + i / 4;
                    var shift = 2 * (i % 4);
                    bed[k] = (byte)((bed[k] & ~(3 << shift)) | (1 << shift));
                }
        File.WriteAllBytes(target + ".bed", bed);
        return target;
    }
}
