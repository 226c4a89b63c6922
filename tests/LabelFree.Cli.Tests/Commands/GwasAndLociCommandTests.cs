using LabelFree.Cli.Commands.Gwas;
using LabelFree.Cli.Commands.Loci;
using LabelFree.Core.Errors;
using LabelFree.Core.Progress;
using LabelFree.Data.Genotypes;
using LabelFree.TestKit;
using LabelFree.Workflows.Gwas;

namespace LabelFree.Cli.Tests.Commands;

/// <summary>The gwas and loci commands end to end on the bundled 120-sample fixture (data/genetics/sample.*).</summary>
public sealed class GwasAndLociCommandTests
{
    private static readonly string Bfile = RepoData.File("genetics/sample");

    private static string WritePhenotypes(TempFolder temp)
    {
        var fam = File.ReadAllLines(Bfile + ".fam").Select(l => l.Split(' ', '\t')).ToArray();
        var random = new Random(2);
        var lines = fam.Select((f, i) => $"{f[0]}\t{f[1]}\t{random.NextDouble():R}\t{(i % 7 == 0 ? "NA" : (random.NextDouble() + i * 0.01).ToString("R"))}");
        File.WriteAllLines(temp["pheno.txt"], ["#FID\tIID\tqt1\tqt2", .. lines]);
        File.WriteAllLines(temp["covar.txt"], ["#FID\tIID\tage", .. fam.Select((f, i) => $"{f[0]}\t{f[1]}\t{20 + i % 30}")]);
        return temp["pheno.txt"];
    }

    [Fact]
    public void Gwas_writes_one_plink2_style_file_per_phenotype_and_loci_reads_its_genotype_rows()
    {
        using var temp = new TempFolder();
        var pheno = WritePhenotypes(temp);
        var output = new StringWriter();

        var code = GwasCommand.Run(new GwasCommand.Settings(Bfile, pheno, [], temp["covar.txt"], [], temp["out"], Threads: 2, Plots: true, ShowCovar: true),
            output, SilentProgress.Instance);

        Assert.Equal(0, code);
        foreach (var name in new[] { "qt1", "qt2" })
        {
            var lines = File.ReadAllLines(temp[$"out.{name}.glm.linear"]);
            Assert.Equal("#CHROM\tPOS\tID\tREF\tALT\tA1\tA1_FREQ\tTEST\tOBS_CT\tBETA\tSE\tT_STAT\tP\tERRCODE", lines[0]);
            Assert.Equal(41, lines.Length);   // a row for the genotype (ADD) and one for the covariate per variant
            Assert.Equal(20, lines.Count(l => l.Contains("\tage\t", StringComparison.Ordinal)));
            Assert.True(File.Exists(temp[$"out.{name}.qq.png"]));
        }
        Assert.Contains("2 missingness groups", output.ToString());

        var loci = LociCommand.Run(new LociCommand.Settings([temp["out.qt1.glm.linear"], temp["out.qt2.glm.linear"]], Bfile, temp["loci.tsv"], P1: 1, P2: 1),
            new StringWriter(), SilentProgress.Instance);
        Assert.Equal(0, loci);
        Assert.StartsWith("LOCUS\tCHROM\tSTART\tEND\tLEAD_ID", File.ReadAllLines(temp["loci.tsv"])[0]);
        // With p1 = p2 = 1 every variant is an index or clumped to exactly one index, once per phenotype (and the
        // covariate rows are not read as variants).
        var clumps = File.ReadAllLines(temp["loci.tsv.clumps.tsv"]).Skip(1).Select(l => l.Split('\t')).ToArray();
        foreach (var phenotype in new[] { "qt1", "qt2" })
            Assert.Equal(20, clumps.Where(c => c[0] == phenotype).Sum(c => 1 + int.Parse(c[5], System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void Bgen_scan_writes_linear_and_logistic_files_and_chunks_concatenate_to_the_whole_run()
    {
        using var temp = new TempFolder();
        var random = new Random(5);
        const int n = 150;
        var ids = Enumerable.Range(0, n).Select(i => $"s{i}").ToArray();
        var records = Enumerable.Range(0, 12).Select(j =>
        {
            var values = new double[2 * n];
            for (var i = 0; i < n; i++)
            {
                var p11 = random.NextDouble() * 0.6;
                values[2 * i] = p11;
                values[2 * i + 1] = random.NextDouble() * (1 - p11);
            }
            return new BgenRecord(new BgenVariant($"v{j}", $"rs{j}", j < 8 ? "1" : "2", 100 * (j + 1), "A", "G"), values);
        }).ToArray();
        BgenWriter.Write(temp["g.bgen"], ids, records.Length, records, new BgenWriteOptions(16, BgenCompression.Zstd));
        OxfordSampleFile.Write(temp["g.sample"], ids.Select(id => new FamSample(id, id)).ToArray());
        File.WriteAllLines(temp["p.txt"], ["#FID\tIID\tq\tcc", .. ids.Select((id, i) => $"{id}\t{id}\t{random.NextDouble():R}\t{1 + i % 2}")]);
        GwasCommand.Settings Run(string prefix, string? chrom = null, long from = 0, long to = long.MaxValue) =>
            new(null, temp["p.txt"], [], null, [], temp[prefix], Threads: 2, Bgen: temp["g.bgen"], Sample: temp["g.sample"], BgenRef: BgenRefMode.RefFirst,
                Chrom: chrom, FromBp: from, ToBp: to);

        Assert.Equal(0, GwasCommand.Run(Run("all"), TextWriter.Null, SilentProgress.Instance));
        Assert.Equal(0, GwasCommand.Run(Run("c1", "1", 1, 500), TextWriter.Null, SilentProgress.Instance));
        Assert.Equal(0, GwasCommand.Run(Run("c2", "1", 501, 1000), TextWriter.Null, SilentProgress.Instance));
        Assert.Equal(0, GwasCommand.Run(Run("c3", "2"), TextWriter.Null, SilentProgress.Instance));
        foreach (var file in new[] { "q.glm.linear", "cc.glm.logistic.hybrid" })
        {
            var whole = File.ReadAllLines(temp[$"all.{file}"]);
            Assert.Equal(13, whole.Length);
            var chunks = new[] { "c1", "c2", "c3" }.SelectMany((c, k) => File.ReadAllLines(temp[$"{c}.{file}"]).Skip(k == 0 ? 0 : 1));
            Assert.Equal(whole, chunks);
        }
        Assert.StartsWith("#CHROM\tPOS\tID\tREF\tALT\tA1\tA1_FREQ\tFIRTH?", File.ReadLines(temp["all.cc.glm.logistic.hybrid"]).First());
        Assert.Contains("no variant on chromosome 3", Assert.Throws<UserInputException>(() =>
            GwasCommand.Run(Run("x", "3"), TextWriter.Null, SilentProgress.Instance)).Message);
        Assert.Throws<SettingException>(() => GwasCommand.Run(Run("y") with { Bfile = Bfile }, TextWriter.Null, SilentProgress.Instance));
    }

    [Fact]
    public void An_unknown_phenotype_column_is_a_user_error()
    {
        using var temp = new TempFolder();
        var pheno = WritePhenotypes(temp);

        var e = Assert.Throws<UserInputException>(() =>
            GwasCommand.Run(new GwasCommand.Settings(Bfile, pheno, ["nope"], null, [], temp["out"]), TextWriter.Null, SilentProgress.Instance));
        Assert.Contains("no column 'nope'", e.Message);
    }

    [Fact]
    public void Phenotypes_of_other_samples_are_named_as_such_without_covariates()
    {
        using var temp = new TempFolder();
        File.WriteAllLines(temp["other.txt"], ["#FID\tIID\tqt1", "x1\ty1\t0.5", "x2\ty2\t0.7"]);

        var e = Assert.Throws<UserInputException>(() =>
            GwasCommand.Run(new GwasCommand.Settings(Bfile, temp["other.txt"], [], null, [], temp["out"]), TextWriter.Null, SilentProgress.Instance));
        Assert.Contains("phenotype 'qt1': no sample of the .fam has a value (do the phenotype file's FID and IID match the .fam's?)", e.Message);
    }

    [Fact]
    public void A_missing_or_malformed_association_file_is_a_user_error()
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp["bad.glm.linear"], "#CHROM\tPOS\tID\tP\n1\t10\trs1\tlow\n");

        var missing = Assert.Throws<UserInputException>(() =>
            LociCommand.Run(new LociCommand.Settings([temp["none.glm.linear"]], Bfile, temp["l.tsv"]), TextWriter.Null, SilentProgress.Instance));
        var malformed = Assert.Throws<UserInputException>(() =>
            LociCommand.Run(new LociCommand.Settings([temp["bad.glm.linear"], temp["bad.glm.linear"]], Bfile, temp["l.tsv"]), TextWriter.Null, SilentProgress.Instance));

        Assert.Contains("not found", missing.Message);
        Assert.Contains("'low' is not a number", malformed.Message);
    }

    [Fact]
    public void The_commands_parse_their_options()
    {
        var gwas = GwasCommand.Create().Parse("--bfile b --pheno p.txt --pheno-name a,b --out o --threads 3");
        var loci = LociCommand.Create().Parse("--sumstats a.glm.linear b.glm.linear --bfile b --out l.tsv --clump-preset genome-wide");

        Assert.Empty(gwas.Errors);
        Assert.Empty(loci.Errors);
        Assert.NotEmpty(LociCommand.Create().Parse("--sumstats a --bfile b --out l --clump-preset other").Errors);
    }

    [Fact]
    public void A_file_or_prefix_output_is_checked_before_any_work()
    {
        using var temp = new TempFolder();
        Directory.CreateDirectory(temp["folder"]);
        foreach (var (args, expected) in new (string[], string)[]
                 {
                     (["gwas", "--bfile", Bfile, "--pheno", temp["p.txt"], "--out", ""], "--out: expected a file path, got an empty one"),
                     (["gwas", "--bfile", Bfile, "--pheno", temp["p.txt"], "--out", temp["nowhere/x"]], $"--out: {temp["nowhere/x"]}: folder {temp["nowhere"]} does not exist"),
                     (["loci", "--sumstats", temp["a.glm.linear"], "--bfile", Bfile, "--out", temp["folder"]], $"--out: {temp["folder"]} is a folder; expected a file name or prefix"),
                     (["cells", "simulate", "--out", temp["folder"] + "/"], "is a folder; expected a file name or prefix"),
                 })
            LabelFreeProcess.AssertBadInput(args, expected);
        Assert.Equal([temp["folder"]], Directory.GetFileSystemEntries(temp.Path));
    }
}
