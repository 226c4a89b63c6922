using System.Runtime.ExceptionServices;
using LabelFree.Analysis.Gwas;
using LabelFree.Analysis.Loci;
using LabelFree.Core.Errors;
using LabelFree.Core.Progress;
using LabelFree.Data.Genotypes;

namespace LabelFree.Workflows.Gwas;

/// <summary>Association files (or folders of them) and genotypes for r²; null thresholds take the preset's value ("plink" or "genome-wide").</summary>
public sealed record LociSearchSettings(IReadOnlyList<string> SumStats, string Bfile, string Out, string Preset = "plink",
    double? P1 = null, double? P2 = null, double? R2 = null, int? Kb = null);

/// <summary>What the search found, with the thresholds used.</summary>
public sealed record LociSearchResult(int Phenotypes, int Clumps, int Loci, ClumpSettings Thresholds);

/// <summary>
/// PLINK-style clumping of each phenotype's association results with r² from a .bed, then one table of independent loci
/// across phenotypes (overlapping clumps merged): OUT and OUT.clumps.tsv.
/// </summary>
public static class LociSearch
{
    public static LociSearchResult Run(LociSearchSettings settings, IProgressReporter progress)
    {
        var basis = settings.Preset == "genome-wide" ? ClumpSettings.GenomeWide : new ClumpSettings();
        var clump = new ClumpSettings(settings.P1 ?? basis.P1, settings.P2 ?? basis.P2, settings.R2 ?? basis.R2, settings.Kb ?? basis.Kb).Validate();
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
        return new LociSearchResult(stats.Length, clumps.Count, loci.Count, clump);
    }

    private static string[] Expand(IReadOnlyList<string> inputs)
    {
        var files = inputs.SelectMany(p => Directory.Exists(p)
            ? Directory.EnumerateFiles(p).Where(f => f.EndsWith(".glm.linear", StringComparison.Ordinal) || f.EndsWith(".glm.linear.gz", StringComparison.Ordinal)).Order(StringComparer.Ordinal)
            : (IEnumerable<string>)[p]).ToArray();
        return files.Length > 0 ? files : throw new SettingException("sumstats", "no .glm.linear files given");
    }
}
