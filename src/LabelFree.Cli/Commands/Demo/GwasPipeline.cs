using System.Globalization;
using System.Text;
using LabelFree.Analysis.Loci;
using LabelFree.Core.IO;
using LabelFree.Core.Progress;
using LabelFree.Data.Tables;
using LabelFree.Reports.Gwas;
using LabelFree.Reports.Html;
using LabelFree.Workflows.Gwas;

namespace LabelFree.Cli.Commands.Demo;

/// <summary>Settings of the demo's GWAS pipeline, written to its config.json.</summary>
public sealed record GwasDemoSettings(string Bfile, string Expression, string Covariates, int Genes, int CovariateCount, string ClumpPreset);

/// <summary>What the demo's GWAS found.</summary>
public sealed record GwasDemoResult(int Genes, int Loci, int CisLoci, double MedianLambda);

/// <summary>
/// The demo's genetics pipeline: a cis-eQTL scan on real data. The expression of chr22 genes in 358 GEUVADIS Europeans
/// is tested against their 85,485 chr22 SNPs (plink2-compatible linear scan with the first covariates of the QTLtools
/// example), the results are clumped into independent loci, and each locus is checked for lying within 1 Mb of its
/// gene's start (cis).
/// </summary>
public static class GwasPipeline
{
    private const int CisWindow = 1_000_000;

    public static GwasDemoResult Run(DemoSettings demo, HtmlReport report, IProgressReporter progress)
    {
        var folder = Path.Combine(demo.Out, "gwas");
        Directory.CreateDirectory(folder);
        var settings = new GwasDemoSettings(Path.Combine(DataFolder.Locate(), "genetics", "geuv_chr22"), DataFolder.File("genetics/genes.50percent.chr22.bed.gz"),
            DataFolder.File("genetics/genes.covariates.pc50.txt.gz"), demo.Quick ? 12 : 48, 5, "genome-wide");
        new RunConfig<GwasDemoSettings>("demo gwas", demo.Seed, "cpu", settings, Versions.Current).Write(folder);

        // Phenotypes: the first genes of the expression table; covariates: the first rows of the covariate file.
        var expression = ExpressionBed.Read(settings.Expression);
        var genes = Enumerable.Range(0, Math.Min(settings.Genes, expression.Genes.Count)).ToList();
        var phenoPath = Path.Combine(folder, "expression.pheno");
        WriteTable(phenoPath, expression.Samples, genes.Select(g => (expression.Genes[g].Name, expression.Values[g])).ToList());
        var (covSamples, covariates) = ExpressionBed.ReadCovariates(settings.Covariates, settings.CovariateCount);
        var covarPath = Path.Combine(folder, "covariates.cov");
        WriteTable(covarPath, covSamples, covariates);

        var prefix = Path.Combine(folder, "eqtl");
        AssociationScan.Run(new AssociationScanSettings(settings.Bfile, phenoPath, [], covarPath, [], prefix, demo.Threads ?? 2), progress);
        var files = genes.Select(g => $"{prefix}.{expression.Genes[g].Name}.glm.linear").ToList();
        var lociPath = Path.Combine(folder, "loci.tsv");
        LociSearch.Run(new LociSearchSettings(files, settings.Bfile, lociPath, settings.ClumpPreset), progress);

        var results = files.Select((f, i) => SumStatsReader.Read(f, expression.Genes[genes[i]].Name)).ToList();
        var manhattan = Path.Combine(folder, "figures", "manhattan.png");
        var qq = Path.Combine(folder, "figures", "qq.png");
        Directory.CreateDirectory(Path.GetDirectoryName(manhattan)!);
        GwasFigures.Manhattan(manhattan, results, $"cis-eQTL scan: {genes.Count} chr22 genes x 85,485 SNPs, 358 people");
        var lambdas = GwasFigures.QQ(qq, results, "QQ plot per gene").Order().ToList();

        var start = expression.Genes.ToDictionary(g => g.Name, g => g.Start);
        var loci = File.ReadAllLines(lociPath).Skip(1).Select(l => l.Split('\t')).ToList();  // IndependentLoci.Header columns
        var rows = loci.Select(f =>
        {
            var position = int.Parse(f[5], CultureInfo.InvariantCulture);
            var distance = start.TryGetValue(f[7], out var s) ? position - s : int.MaxValue;
            return (Id: f[4], Position: position, P: f[6], Gene: f[7], Phenotypes: f[8], Distance: distance);
        }).ToList();
        var cis = rows.Count(r => Math.Abs(r.Distance) <= CisWindow);
        var result = new GwasDemoResult(genes.Count, rows.Count, cis, lambdas.Count > 0 ? lambdas[lambdas.Count / 2] : double.NaN);
        Json.Write(Path.Combine(folder, "summary.json"), result);

        report.Section("Genetics: a cis-eQTL scan on real genotypes and expression (GWAS and loci)")
            .Paragraph($"The expression of {genes.Count} chr22 genes in 358 GEUVADIS Europeans was tested against 85,485 chr22 SNPs by ordinary least squares " +
                       $"with {settings.CovariateCount} covariates (plink2 --glm compatible output, eqtl.<gene>.glm.linear), then clumped at p1 5e-8, p2 0.01, r² 0.1, " +
                       $"250 kb and merged across genes into {result.Loci} independent loci, {result.CisLoci} of them within 1 Mb of their gene's start (cis). " +
                       $"Median genomic inflation λGC over genes: {result.MedianLambda:F3}.")
            .Table(["lead SNP", "position", "P", "gene", "genes hit", "distance to gene start"],
                rows.OrderBy(r => double.Parse(r.P, CultureInfo.InvariantCulture)).Take(15).Select(r => (IReadOnlyList<string>)
                    [r.Id, r.Position.ToString("N0", CultureInfo.InvariantCulture), r.P, r.Gene, r.Phenotypes,
                     r.Distance == int.MaxValue ? "" : $"{r.Distance / 1000.0:+0.0;-0.0} kb"]))
            .Figure(manhattan, "Manhattan plot: every gene's scan overlaid; the dashed line is 5e-8. cis-eQTL peaks stand at their genes.")
            .Figure(qq, "QQ plots per gene with λGC.");
        return result;
    }

    /// <summary>Writes a PLINK 2 style table (#IID then one column per variable).</summary>
    private static void WriteTable(string path, IReadOnlyList<string> samples, IReadOnlyList<(string Name, double[] Values)> columns)
    {
        var text = new StringBuilder("#IID");
        foreach (var (name, _) in columns) text.Append('\t').Append(name);
        text.Append('\n');
        for (var s = 0; s < samples.Count; s++)
        {
            text.Append(samples[s]);
            foreach (var (_, values) in columns)
                text.Append('\t').Append(double.IsNaN(values[s]) ? "NA" : values[s].ToString("R", CultureInfo.InvariantCulture));
            text.Append('\n');
        }
        AtomicFile.WriteAllText(path, text.ToString());
    }
}
