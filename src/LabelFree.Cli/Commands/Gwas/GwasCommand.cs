using System.CommandLine;
using LabelFree.Analysis.Gwas;
using LabelFree.Analysis.Loci;
using LabelFree.Core.Errors;
using LabelFree.Core.Progress;
using LabelFree.Data.Genotypes;
using LabelFree.Data.Tables;
using LabelFree.Reports.Gwas;

namespace LabelFree.Cli.Commands.Gwas;

/// <summary>
/// <c>labelfree gwas</c>: linear association scan of quantitative phenotypes, one PREFIX.&lt;phenotype&gt;.glm.linear
/// per phenotype in the format of <c>plink2 --glm hide-covar cols=+a1freq</c>.
/// </summary>
public static class GwasCommand
{
    /// <summary>Parsed options.</summary>
    public sealed record Settings(string Bfile, string Pheno, IReadOnlyList<string> PhenoNames, string? Covar,
        IReadOnlyList<string> CovarNames, string Out, int Threads = 2, bool Gzip = false, bool Plots = false, bool ShowCovar = false);

    public static Command Create()
    {
        var bfile = new Option<string>("--bfile") { Description = "PLINK 1 binary fileset prefix (PREFIX.bed/.bim/.fam)", Required = true };
        var pheno = new Option<string>("--pheno") { Description = "phenotype table: #FID IID ..., #IID ... or FID IID ... (NA, -9, empty = missing)", Required = true };
        var phenoName = new Option<string[]>("--pheno-name") { Description = "phenotype columns to test (comma-separated or repeated, plink2 ranges A-B allowed; default: all)", AllowMultipleArgumentsPerToken = true };
        var covar = new Option<string?>("--covar") { Description = "covariate table in the same format" };
        var covarName = new Option<string[]>("--covar-name") { Description = "covariate columns to use (ranges A-B allowed; default: all)", AllowMultipleArgumentsPerToken = true };
        var output = new Option<string>("--out") { Description = "output prefix", Required = true };
        var threads = new Option<int>("--threads") { Description = "worker threads", DefaultValueFactory = _ => 2 };
        var gzip = new Option<bool>("--gz") { Description = "gzip the .glm.linear files" };
        var showCovar = new Option<bool>("--show-covar") { Description = "also write each covariate's row per variant (plink2's default; without it the output is plink2's hide-covar)" };
        var plots = new Option<bool>("--plots") { Description = "also write Manhattan and QQ plots (PNG, with lambda_GC) per phenotype, and for all together" };
        var command = new Command("gwas", "Association scan of quantitative phenotypes (plink2 --glm compatible output)")
        {
            bfile, pheno, phenoName, covar, covarName, output, threads, gzip, showCovar, plots,
        };
        command.SetAction(parsed => Run(
            new Settings(parsed.GetValue(bfile)!, parsed.GetValue(pheno)!, SplitNames(parsed.GetValue(phenoName)), parsed.GetValue(covar),
                SplitNames(parsed.GetValue(covarName)), parsed.GetValue(output)!, parsed.GetValue(threads), parsed.GetValue(gzip), parsed.GetValue(plots), parsed.GetValue(showCovar)),
            Console.Out, new ConsoleProgress()));
        return command;
    }

    /// <summary>Runs the scan; a summary goes to <paramref name="output"/>. Bad input throws <see cref="UserInputException"/>.</summary>
    public static int Run(Settings settings, TextWriter output, IProgressReporter progress)
    {
        if (settings.Threads < 1) throw new UserInputException($"--threads {settings.Threads}: must be at least 1");
        using var fileset = PlinkFileset.Open(settings.Bfile);
        var phenotypes = SampleTableReader.Read(settings.Pheno, fileset.Samples, settings.PhenoNames);
        if (phenotypes.UnmatchedRows > 0)
            progress.Info($"{settings.Pheno}: {phenotypes.UnmatchedRows} rows name samples that are not in {settings.Bfile}.fam; ignored");
        var covariates = settings.Covar is null ? null : SampleTableReader.Read(settings.Covar, fileset.Samples, settings.CovarNames);
        if (covariates is null && settings.CovarNames.Count > 0) throw new UserInputException("--covar-name needs --covar");

        var groups = PhenotypeGroup.Build(phenotypes.Names, phenotypes.Values, covariates?.Names ?? [], covariates?.Values ?? [],
            fileset.Samples.Count, progress.Info);
        var genotypes = new PackedGenotypes(fileset.Samples.Count, fileset.VariantCount, fileset.Bed.ReadPacked);
        using var writer = new GlmLinearWriter(settings.Out, phenotypes.Names, groups, settings.Gzip, settings.Threads);
        using var variants = fileset.Variants().GetEnumerator();
        GwasScan.Run(genotypes, groups, new GwasOptions(settings.Threads, CovariateRows: settings.ShowCovar), block =>
        {
            var batch = new List<GlmVariant>(block.Count);
            for (var i = 0; i < block.Count && variants.MoveNext(); i++)
            {
                var v = variants.Current;
                batch.Add(new GlmVariant(v.Chrom, v.Position, v.Id, v.Allele2, v.Allele1));
            }
            writer.Write(block, batch);
        }, fileset.Samples.Any(s => s.IsFounder) ? fileset.Samples.Select(s => s.IsFounder).ToArray() : null, progress);
        writer.Commit();
        output.WriteLine($"gwas: {fileset.VariantCount} variants x {phenotypes.Names.Count} phenotypes " +
                         $"({groups.Count} missingness group{(groups.Count == 1 ? "" : "s")}, {covariates?.Names.Count ?? 0} covariates)");
        foreach (var path in writer.Paths) output.WriteLine(path);
        if (settings.Plots) Plot(settings.Out, phenotypes.Names, writer.Paths, output);
        return 0;
    }

    // Reads the written results back and draws PREFIX.<phenotype>.{manhattan,qq}.png, and PREFIX.all.* for several.
    private static void Plot(string prefix, IReadOnlyList<string> names, IReadOnlyList<string> paths, TextWriter output)
    {
        var results = paths.Select((path, i) => SumStatsReader.Read(path, names[i])).ToArray();
        for (var i = 0; i < results.Length; i++)
        {
            GwasFigures.Manhattan($"{prefix}.{names[i]}.manhattan.png", [results[i]], names[i]);
            var lambda = GwasFigures.QQ($"{prefix}.{names[i]}.qq.png", [results[i]], names[i])[0];
            output.WriteLine(FormattableString.Invariant($"{names[i]}: lambda_GC {lambda:F4}"));
        }
        if (results.Length > 1)
        {
            GwasFigures.Manhattan($"{prefix}.all.manhattan.png", results, $"{results.Length} phenotypes");
            GwasFigures.QQ($"{prefix}.all.qq.png", results, "all phenotypes");
        }
    }

    private static IReadOnlyList<string> SplitNames(string[]? values) =>
        values is null ? [] : values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray();
}
