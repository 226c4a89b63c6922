using LabelFree.Analysis.Gwas;
using LabelFree.Analysis.Loci;
using LabelFree.Core.Errors;
using LabelFree.Core.Progress;
using LabelFree.Data.Genotypes;
using LabelFree.Data.Tables;
using LabelFree.Reports.Gwas;

namespace LabelFree.Workflows.Gwas;

/// <summary>A scan: PLINK 1 genotypes, phenotype (and covariate) tables with the columns to use (empty: all), and how to write.</summary>
public sealed record AssociationScanSettings(string Bfile, string Pheno, IReadOnlyList<string> PhenoNames, string? Covar,
    IReadOnlyList<string> CovarNames, string Out, int Threads = 2, bool Gzip = false, bool Plots = false, bool ShowCovar = false);

/// <summary>What a scan did and wrote; <paramref name="Lambdas"/> per phenotype when plots were drawn.</summary>
public sealed record AssociationScanResult(long Variants, int Phenotypes, int MissingnessGroups, int Covariates, IReadOnlyList<string> Files,
    IReadOnlyList<(string Phenotype, double Lambda)> Lambdas);

/// <summary>
/// Linear association scan of quantitative phenotypes, one PREFIX.&lt;phenotype&gt;.glm.linear per phenotype in the format
/// of <c>plink2 --glm hide-covar cols=+a1freq</c> (or with the covariate rows), optionally with Manhattan and QQ plots.
/// </summary>
public static class AssociationScan
{
    public static AssociationScanResult Run(AssociationScanSettings settings, IProgressReporter progress)
    {
        if (settings.Threads < 1) throw new SettingException("threads", $"expected a positive number, got {settings.Threads}");
        using var fileset = PlinkFileset.Open(settings.Bfile);
        var phenotypes = SampleTableReader.Read(settings.Pheno, fileset.Samples, settings.PhenoNames);
        if (phenotypes.UnmatchedRows > 0)
            progress.Info($"{settings.Pheno}: {phenotypes.UnmatchedRows} rows name samples that are not in {settings.Bfile}.fam; ignored");
        var covariates = settings.Covar is null ? null : SampleTableReader.Read(settings.Covar, fileset.Samples, settings.CovarNames);
        if (covariates is null && settings.CovarNames.Count > 0) throw new SettingException("covar_name", "names covariate columns but no covariate file was given");

        var groups = PhenotypeGroup.Build(phenotypes.Names, phenotypes.Values, covariates?.Names ?? [], covariates?.Values ?? [],
            fileset.Samples.Count, progress.Info);
        var genotypes = new PackedGenotypes(fileset.Samples.Count, fileset.VariantCount, fileset.Bed.ReadPacked);
        using var writer = new GlmLinearWriter(settings.Out, phenotypes.Names, groups, settings.Gzip, settings.Threads);
        var variants = fileset.Variants().Select(v => new GlmVariant(v.Chrom, v.Position, v.Id, v.Allele2, v.Allele1));
        GwasScan.Run(genotypes, groups, new GwasOptions(settings.Threads, CovariateRows: settings.ShowCovar), variants, writer,
            fileset.Samples.Any(s => s.IsFounder) ? fileset.Samples.Select(s => s.IsFounder).ToArray() : null, progress);
        var lambdas = settings.Plots ? Plot(settings.Out, phenotypes.Names, writer.Paths) : [];
        return new AssociationScanResult(fileset.VariantCount, phenotypes.Names.Count, groups.Count, covariates?.Names.Count ?? 0, writer.Paths, lambdas);
    }

    // Reads the written results back and draws PREFIX.<phenotype>.{manhattan,qq}.png, and PREFIX.all.* for several.
    private static List<(string, double)> Plot(string prefix, IReadOnlyList<string> names, IReadOnlyList<string> paths)
    {
        var results = paths.Select((path, i) => SumStatsReader.Read(path, names[i])).ToArray();
        var lambdas = new List<(string, double)>();
        for (var i = 0; i < results.Length; i++)
        {
            GwasFigures.Manhattan($"{prefix}.{names[i]}.manhattan.png", [results[i]], names[i]);
            lambdas.Add((names[i], GwasFigures.QQ($"{prefix}.{names[i]}.qq.png", [results[i]], names[i])[0]));
        }
        if (results.Length > 1)
        {
            GwasFigures.Manhattan($"{prefix}.all.manhattan.png", results, $"{results.Length} phenotypes");
            GwasFigures.QQ($"{prefix}.all.qq.png", results, "all phenotypes");
        }
        return lambdas;
    }
}
