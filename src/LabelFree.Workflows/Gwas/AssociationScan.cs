using LabelFree.Analysis.Gwas;
using LabelFree.Analysis.Loci;
using LabelFree.Core.Errors;
using LabelFree.Core.Progress;
using LabelFree.Data.Tables;
using LabelFree.Reports.Gwas;

namespace LabelFree.Workflows.Gwas;

/// <summary>
/// A scan: genotypes (a PLINK 1 fileset prefix <paramref name="Bfile"/>, or a <paramref name="Bgen"/> file with its
/// Oxford <paramref name="Sample"/> file), phenotype (and covariate) tables with the columns to use (empty: all), and
/// how to write. <paramref name="BgenRef"/> says which BGEN allele is REF, as plink2's ref-first/ref-last/ref-unknown;
/// <paramref name="ZeroIsControl"/> is plink2's --1 (case/control coded 0/1 instead of 1/2); <paramref name="Chrom"/>,
/// <paramref name="FromBp"/> and <paramref name="ToBp"/> restrict the scan to one run of variants (for sharding).
/// </summary>
public sealed record AssociationScanSettings(string? Bfile, string Pheno, IReadOnlyList<string> PhenoNames, string? Covar,
    IReadOnlyList<string> CovarNames, string Out, int Threads = 2, bool Gzip = false, bool Plots = false, bool ShowCovar = false,
    string? Bgen = null, string? Sample = null, BgenRefMode BgenRef = BgenRefMode.RefFirst, bool ZeroIsControl = false,
    string? Chrom = null, long FromBp = 0, long ToBp = long.MaxValue);

/// <summary>plink2's BGEN allele modes: ref-first (allele 1 is REF), ref-last, ref-unknown (plink2's default: the last
/// allele is the provisional REF, so it reads as ref-last).</summary>
public enum BgenRefMode { RefFirst, RefLast, RefUnknown }

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
        if ((settings.Bfile is null) == (settings.Bgen is null)) throw new SettingException("bgen", "give exactly one of a PLINK fileset (bfile) or a BGEN file");
        if (settings.Bgen is null && settings.Sample is not null) throw new SettingException("sample", "a .sample file goes with a BGEN file");
        if (settings.Chrom is null && (settings.FromBp != 0 || settings.ToBp != long.MaxValue)) throw new SettingException("chr", "a position range needs a chromosome");
        if (settings.FromBp > settings.ToBp) throw new SettingException("from_bp", $"{settings.FromBp} is after the end of the range, {settings.ToBp}");
        using var genotypes = GenotypeSource.Open(settings.Bfile, settings.Bgen, settings.Sample, settings.BgenRef != BgenRefMode.RefFirst);
        if (settings.Chrom is not null) genotypes.Restrict(settings.Chrom, settings.FromBp, settings.ToBp);
        var samples = genotypes.Samples;
        var phenotypes = SampleTableReader.Read(settings.Pheno, samples, settings.PhenoNames);
        if (phenotypes.UnmatchedRows > 0)
            progress.Info($"{settings.Pheno}: {phenotypes.UnmatchedRows} rows name samples that are not in {genotypes.SamplesPath}; ignored");
        var covariates = settings.Covar is null ? null : SampleTableReader.Read(settings.Covar, samples, settings.CovarNames);
        if (covariates is null && settings.CovarNames.Count > 0) throw new SettingException("covar_name", "names covariate columns but no covariate file was given");

        // plink2's rule: a column of 1/2 (0 missing), or 0/1 with --1, is case/control and gets logistic regression.
        var binary = phenotypes.Values.Select(v => CaseControl.IsBinary(v, settings.ZeroIsControl)).ToArray();
        var linearNames = phenotypes.Names.Where((_, p) => !binary[p]).ToArray();
        var logisticNames = phenotypes.Names.Where((_, p) => binary[p]).ToArray();
        var logisticValues = phenotypes.Values.Where((_, p) => binary[p]).Select(v => CaseControl.Code(v, settings.ZeroIsControl)).ToArray();
        for (var p = 0; p < logisticNames.Length; p++)
        {
            var cases = logisticValues[p].Count(y => y == 1);
            var controls = logisticValues[p].Count(y => y == 0);
            if (cases == 0 || controls == 0)
                throw new UserInputException($"{settings.Pheno}: case/control phenotype '{logisticNames[p]}' has {cases} cases and {controls} controls; both are needed");
        }
        if (logisticNames.Length > 0 && settings.ShowCovar) throw new SettingException("show_covar", "covariate rows are written for quantitative phenotypes only");
        var covariateNames = covariates?.Names ?? [];
        var covariateValues = covariates?.Values ?? [];
        var groups = PhenotypeGroup.Build(linearNames, phenotypes.Values.Where((_, p) => !binary[p]).ToArray(), covariateNames, covariateValues,
            samples.Count, progress.Info);
        if (logisticNames.Length > 0) progress.Info($"case/control phenotypes (logistic regression, Firth fallback): {string.Join(", ", logisticNames)}");

        var files = new List<string>();
        if (linearNames.Length > 0)
        {
            using var writer = new GlmLinearWriter(settings.Out, linearNames, groups, settings.Gzip, settings.Threads);
            genotypes.Scan(groups, new GwasOptions(settings.Threads, CovariateRows: settings.ShowCovar), writer, progress);
            files.AddRange(writer.Paths);
        }
        if (logisticNames.Length > 0)
        {
            using var writer = new GlmLogisticWriter(settings.Out, logisticNames, settings.Gzip);
            genotypes.ScanLogistic(logisticValues, covariateValues, settings.Threads, writer, progress);
            files.AddRange(writer.Paths);
        }
        var lambdas = settings.Plots ? Plot(settings.Out, [.. linearNames, .. logisticNames], files) : [];
        return new AssociationScanResult(genotypes.VariantCount, phenotypes.Names.Count, groups.Count, covariateNames.Count, files, lambdas);
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
