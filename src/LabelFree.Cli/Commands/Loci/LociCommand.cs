using System.CommandLine;
using LabelFree.Cli.Options;
using LabelFree.Core.Progress;
using LabelFree.Workflows.Gwas;

namespace LabelFree.Cli.Commands.Loci;

/// <summary>
/// <c>labelfree loci</c>: PLINK-style clumping of each phenotype's association results with r² from a .bed, then one
/// table of independent loci across phenotypes (overlapping clumps merged). Also writes OUT.clumps.tsv.
/// </summary>
public static class LociCommand
{
    /// <summary>Parsed options; null thresholds take the preset's value.</summary>
    public sealed record Settings(IReadOnlyList<string> SumStats, string Bfile, string Out, string Preset = "plink",
        double? P1 = null, double? P2 = null, double? R2 = null, int? Kb = null);

    public static Command Create()
    {
        var sumstats = new Option<string[]>("--sumstats") { Description = "plink2-style .glm.linear[.gz] files, one per phenotype (or a folder of them)", Required = true, AllowMultipleArgumentsPerToken = true };
        var bfile = new Option<string>("--bfile") { Description = "PLINK 1 binary fileset prefix for r²", Required = true };
        var output = new Option<string>("--out") { Description = "loci table (TSV); clumps go to OUT.clumps.tsv", Required = true };
        var preset = new Option<string>("--clump-preset") { Description = "plink: p1 1e-4, p2 1e-2, r2 0.5, 250 kb; genome-wide: 5e-8, 1e-2, 0.1, 250 kb", DefaultValueFactory = _ => "plink" };
        preset.OneOf("plink", "genome-wide");
        var p1 = new Option<double?>("--clump-p1") { Description = "index variant p-value threshold" };
        var p2 = new Option<double?>("--clump-p2") { Description = "clumped variant p-value threshold" };
        var r2 = new Option<double?>("--clump-r2") { Description = "r² threshold" };
        var kb = new Option<int?>("--clump-kb") { Description = "window radius in kb" };
        var command = new Command("loci", "Clump association results into independent loci across phenotypes") { sumstats, bfile, output, preset, p1, p2, r2, kb };
        command.SetAction(parsed => Run(
            new Settings(parsed.GetValue(sumstats)!, parsed.GetValue(bfile)!, parsed.GetValue(output)!, parsed.GetValue(preset)!,
                parsed.GetValue(p1), parsed.GetValue(p2), parsed.GetValue(r2), parsed.GetValue(kb)),
            Console.Out, new ConsoleProgress()));
        return command;
    }

    /// <summary>Runs the search (<see cref="LociSearch"/>); a summary goes to <paramref name="output"/>.</summary>
    public static int Run(Settings settings, TextWriter output, IProgressReporter progress)
    {
        var result = LociSearch.Run(new LociSearchSettings(settings.SumStats, settings.Bfile, settings.Out, settings.Preset, settings.P1, settings.P2, settings.R2, settings.Kb), progress);
        var t = result.Thresholds;
        output.WriteLine($"loci: {result.Phenotypes} phenotypes, {result.Clumps} clumps (p1 {t.P1:g}, p2 {t.P2:g}, r2 {t.R2:g}, {t.Kb} kb), {result.Loci} independent loci");
        output.WriteLine(settings.Out);
        return CommandLine.Ok;
    }
}
