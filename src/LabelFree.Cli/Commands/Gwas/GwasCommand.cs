using System.CommandLine;
using LabelFree.Cli.Options;
using LabelFree.Core.Progress;
using LabelFree.Workflows.Gwas;

namespace LabelFree.Cli.Commands.Gwas;

/// <summary>
/// <c>labelfree gwas</c>: association scan, one PREFIX.&lt;phenotype&gt;.glm.linear per quantitative phenotype and one
/// PREFIX.&lt;phenotype&gt;.glm.logistic.hybrid per case/control phenotype, in the format of
/// <c>plink2 --glm hide-covar cols=+a1freq</c>, on a PLINK 1 fileset or a BGEN file.
/// </summary>
public static class GwasCommand
{
    /// <summary>Parsed options.</summary>
    public sealed record Settings(string? Bfile, string Pheno, IReadOnlyList<string> PhenoNames, string? Covar,
        IReadOnlyList<string> CovarNames, string Out, int Threads = 2, bool Gzip = false, bool Plots = false, bool ShowCovar = false,
        string? Bgen = null, string? Sample = null, BgenRefMode BgenRef = BgenRefMode.RefUnknown, bool ZeroIsControl = false,
        string? Chrom = null, long FromBp = 0, long ToBp = long.MaxValue);

    public static Command Create()
    {
        var bfile = new Option<string?>("--bfile") { Description = "PLINK 1 binary fileset prefix (PREFIX.bed/.bim/.fam)" };
        var bgen = new Option<string[]>("--bgen")
        {
            Description = "BGEN v1.2/v1.3 file instead of --bfile, then as plink2 ref-first, ref-last or ref-unknown (default: the last allele is REF)",
            AllowMultipleArgumentsPerToken = true, Arity = new ArgumentArity(1, 2),
        };
        var sample = new Option<string?>("--sample") { Description = "the BGEN's Oxford .sample file (ID_1 = FID, ID_2 = IID)" };
        var pheno = new Option<string>("--pheno") { Description = "phenotype table: #FID IID ..., #IID ... or FID IID ... (NA, -9, empty = missing)", Required = true };
        var phenoName = new Option<string[]>("--pheno-name") { Description = "phenotype columns to test (comma-separated or repeated, plink2 ranges A-B allowed; default: all)", AllowMultipleArgumentsPerToken = true };
        var covar = new Option<string?>("--covar") { Description = "covariate table in the same format" };
        var covarName = new Option<string[]>("--covar-name") { Description = "covariate columns to use (ranges A-B allowed; default: all)", AllowMultipleArgumentsPerToken = true };
        var output = RunOptions.OutputFileOption("output prefix");
        var threads = new Option<int>("--threads") { Description = "worker threads", DefaultValueFactory = _ => 2 }.Positive();
        var gzip = new Option<bool>("--gz") { Description = "gzip the .glm.linear files" };
        var showCovar = new Option<bool>("--show-covar") { Description = "also write each covariate's row per variant (plink2's default; without it the output is plink2's hide-covar)" };
        var zeroIsControl = new Option<bool>("--1") { Description = "case/control phenotypes are coded 0 = control, 1 = case (plink2's --1; default 1/2 with 0 missing)" };
        var chrom = new Option<string?>("--chr") { Description = "scan only this chromosome (with --from-bp/--to-bp: one range of it, for sharding)" };
        var fromBp = new Option<long>("--from-bp") { Description = "first position of the range (with --chr)", DefaultValueFactory = _ => 0 }.NonNegative();
        var toBp = new Option<long>("--to-bp") { Description = "last position of the range (with --chr)", DefaultValueFactory = _ => long.MaxValue }.NonNegative();
        var plots = new Option<bool>("--plots") { Description = "also write Manhattan and QQ plots (PNG, with lambda_GC) per phenotype, and for all together" };
        var command = new Command("gwas", "Association scan: linear for quantitative, logistic with Firth fallback for case/control phenotypes (plink2 --glm compatible output)")
        {
            bfile, bgen, sample, pheno, phenoName, covar, covarName, zeroIsControl, chrom, fromBp, toBp, output, threads, gzip, showCovar, plots,
        };
        bgen.Validators.Add(result =>
        {
            var values = result.GetValueOrDefault<string[]>();
            if (values is { Length: 2 } && RefMode(values[1]) is null)
                result.AddError($"--bgen: unknown modifier '{values[1]}' (expected ref-first, ref-last or ref-unknown)");
        });
        command.Validators.Add(result =>
        {
            if ((result.GetResult(bfile) is null) == (result.GetResult(bgen) is null)) result.AddError("give either --bfile or --bgen (with --sample)");
        });
        command.SetAction(parsed =>
        {
            var bgenValues = parsed.GetValue(bgen);
            return Run(
                new Settings(parsed.GetValue(bfile), parsed.GetValue(pheno)!, SplitNames(parsed.GetValue(phenoName)), parsed.GetValue(covar),
                    SplitNames(parsed.GetValue(covarName)), parsed.GetValue(output)!, parsed.GetValue(threads), parsed.GetValue(gzip), parsed.GetValue(plots),
                    parsed.GetValue(showCovar), bgenValues?.FirstOrDefault(), parsed.GetValue(sample),
                    bgenValues is { Length: 2 } ? RefMode(bgenValues[1])!.Value : BgenRefMode.RefUnknown, parsed.GetValue(zeroIsControl),
                    parsed.GetValue(chrom), parsed.GetValue(fromBp), parsed.GetValue(toBp)),
                Console.Out, new ConsoleProgress());
        });
        return command;
    }

    private static BgenRefMode? RefMode(string modifier) => modifier switch
    {
        "ref-first" => BgenRefMode.RefFirst,
        "ref-last" => BgenRefMode.RefLast,
        "ref-unknown" => BgenRefMode.RefUnknown,
        _ => null,
    };

    /// <summary>Runs the scan (<see cref="AssociationScan"/>); a summary goes to <paramref name="output"/>.</summary>
    public static int Run(Settings settings, TextWriter output, IProgressReporter progress)
    {
        var result = AssociationScan.Run(new AssociationScanSettings(settings.Bfile, settings.Pheno, settings.PhenoNames, settings.Covar, settings.CovarNames,
            settings.Out, settings.Threads, settings.Gzip, settings.Plots, settings.ShowCovar, settings.Bgen, settings.Sample, settings.BgenRef, settings.ZeroIsControl,
            settings.Chrom, settings.FromBp, settings.ToBp), progress);
        output.WriteLine($"gwas: {result.Variants} variants x {result.Phenotypes} phenotypes " +
                         $"({result.MissingnessGroups} missingness group{(result.MissingnessGroups == 1 ? "" : "s")}, {result.Covariates} covariates)");
        foreach (var path in result.Files) output.WriteLine(path);
        foreach (var (name, lambda) in result.Lambdas) output.WriteLine(FormattableString.Invariant($"{name}: lambda_GC {lambda:F4}"));
        return CommandLine.Ok;
    }

    private static IReadOnlyList<string> SplitNames(string[]? values) =>
        values is null ? [] : values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray();
}
