using System.CommandLine;
using System.Runtime.ExceptionServices;
using LabelFree.Analysis.Gwas;
using LabelFree.Analysis.Loci;
using LabelFree.Core.Errors;
using LabelFree.Core.Progress;
using LabelFree.Data.Genotypes;

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
        preset.AcceptOnlyFromAmong("plink", "genome-wide");
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

    public static int Run(Settings settings, TextWriter output, IProgressReporter progress)
    {
        var basis = settings.Preset == "genome-wide" ? ClumpSettings.GenomeWide : new ClumpSettings();
        var clump = new ClumpSettings(settings.P1 ?? basis.P1, settings.P2 ?? basis.P2, settings.R2 ?? basis.R2, settings.Kb ?? basis.Kb);
        try
        {
            clump.Validate();
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new UserInputException(e.Message.Split('\n')[0]);
        }
        var files = Expand(settings.SumStats);
        var labels = SumStatsReader.Labels(files);
        foreach (var file in files) UserInputException.RequireFile(file, "association file");
        SumStats[] stats;
        try
        {
            stats = files.AsParallel().AsOrdered().Select((f, i) => SumStatsReader.Read(f, labels[i], clump.P2)).ToArray();
        }
        catch (AggregateException e) when (e.InnerExceptions.OfType<UserInputException>().FirstOrDefault() is { } bad)
        {
            // A malformed file is bad input (exit 2), not an internal failure: unwrap it from the parallel read.
            ExceptionDispatchInfo.Capture(bad).Throw();
            throw;
        }

        using var fileset = PlinkFileset.Open(settings.Bfile);
        var wanted = stats.SelectMany(s => s.Rows.Select(r => r.Id)).ToHashSet(StringComparer.Ordinal);
        var rowOf = new Dictionary<string, long>(StringComparer.Ordinal);
        long row = 0;
        foreach (var v in fileset.Variants())
        {
            if (wanted.Contains(v.Id)) rowOf.TryAdd(v.Id, row);
            row++;
        }
        var missingIds = wanted.Count(id => !rowOf.ContainsKey(id));
        if (missingIds > 0) progress.Info($"{missingIds} variants of the association files are not in {settings.Bfile}.bim; they clump alone");

        var ld = new LinkageDisequilibrium(new PackedGenotypes(fileset.Samples.Count, fileset.VariantCount, fileset.Bed.ReadPacked));
        var clumps = new List<Clump>();
        using (var task = progress.Start("clumping", stats.Length))
            for (var i = 0; i < stats.Length; i++)
            {
                clumps.AddRange(Clumping.Run(stats[i], id => rowOf.TryGetValue(id, out var r) ? r : null, ld, clump));
                task.Report(i + 1, stats[i].Phenotype);
            }
        var loci = IndependentLoci.Merge(clumps);
        IndependentLoci.Write(settings.Out, loci);
        Clumping.Write(settings.Out + ".clumps.tsv", clumps);
        output.WriteLine($"loci: {stats.Length} phenotypes, {clumps.Count} clumps (p1 {clump.P1:g}, p2 {clump.P2:g}, r2 {clump.R2:g}, {clump.Kb} kb), {loci.Count} independent loci");
        output.WriteLine(settings.Out);
        return 0;
    }

    private static string[] Expand(IReadOnlyList<string> inputs)
    {
        var files = inputs.SelectMany(p => Directory.Exists(p)
            ? Directory.EnumerateFiles(p).Where(f => f.EndsWith(".glm.linear", StringComparison.Ordinal) || f.EndsWith(".glm.linear.gz", StringComparison.Ordinal)).Order(StringComparer.Ordinal)
            : (IEnumerable<string>)[p]).ToArray();
        return files.Length > 0 ? files : throw new UserInputException("--sumstats: no .glm.linear files given");
    }
}
