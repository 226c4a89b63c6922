using System.Globalization;
using System.Text;
using LabelFree.Analysis.Loci;
using LabelFree.Core.Errors;
using LabelFree.Core.IO;
using LabelFree.Core.Progress;
using LabelFree.Data.Genotypes;
using LabelFree.Data.Tables;
using LabelFree.Workflows.Gwas;
using LabelFree.Workflows.Runs;

namespace LabelFree.Workflows.Phenotypes;

/// <summary>Expression (genes x people BED, as GEUVADIS'), its genotypes and covariates (QTLtools layout, the first <see cref="CovariateCount"/>), how many genes (null: all) and how to train.</summary>
public sealed record ExpressionStudySettings(string Bfile, string Expression, string Covariates, PhenotypeTrainSettings Training, int CovariateCount = 5, int? Genes = null, int Window = 250_000);

/// <summary>A latent locus and the per-gene cis-eQTL loci that overlap it (within the window).</summary>
public sealed record LatentLocusMatch(string LeadId, int Position, double P, string Latents, string EqtlGenes);

/// <summary>What the real-data run found: latent loci, eQTL loci, and how many of each meet the other.</summary>
public sealed record ExpressionStudyResult(int People, int Genes, int Latents, double EffectiveTests, double StudyWideThreshold, double Reproducibility,
    int LatentLoci, int EqtlLoci, int LatentLociAtEqtl, int EqtlLociFoundByLatents, IReadOnlyList<LatentLocusMatch> Matches);

/// <summary>
/// Latent phenotypes of expression on real data (issue 17): the table autoencoder trained from several seeds on every
/// person's expression of the genes, merged latents scanned against the genotypes with the covariates (<see cref="LatentGwas"/>),
/// and beside them the per-gene eQTL scan (the same covariates, loci at 5e-8): which latent loci sit on an eQTL locus,
/// and which eQTL loci the latents find. Writes latent_loci_vs_eqtl.tsv and summary.json. The per-gene scan runs in
/// chunks of genes whose association files are deleted once clumped.
/// </summary>
public static class ExpressionLatentStudy
{
    private const int Chunk = 64;

    public static ExpressionStudyResult Run(ExpressionStudySettings settings, RunSettings run, IProgressReporter progress, int threads = 2)
    {
        settings.Training.Validate();
        var expression = ExpressionBed.Read(settings.Expression);
        var genes = Enumerable.Range(0, Math.Min(settings.Genes ?? int.MaxValue, expression.Genes.Count)).ToArray();
        if (genes.Length < 2) throw new SettingException("genes", "expected at least 2 genes");
        var people = expression.Samples.Select(s => new FamSample(s, s)).ToArray();
        // A missing value takes its gene's mean (the autoencoder needs complete rows).
        var means = genes.Select(g => expression.Values[g].Where(v => !double.IsNaN(v)).DefaultIfEmpty(0).Average()).ToArray();
        var rows = people.Select((_, s) => genes.Select((g, k) => (float)(double.IsNaN(expression.Values[g][s]) ? means[k] : expression.Values[g][s])).ToArray()).ToArray();
        var (covSamples, covariates) = ExpressionBed.ReadCovariates(settings.Covariates, settings.CovariateCount);

        RunFolder.Start(run.Out, "phenotypes expression", run.Seed, run.DeviceName, settings);
        var covar = Path.Combine(run.Out, "covariates.tsv");
        PhenotypeTable.Write(covar, covSamples.Select(s => new FamSample(s, s)).ToArray(), covariates);
        var input = new PhenotypeInput(settings.Expression, people, rows, genes.Select(g => expression.Genes[g].Name).ToArray(), null);
        using var models = LatentModels.Train(input, settings.Training, run.In(Path.Combine(run.Out, "model")), progress);
        var merged = models.Embed(input);
        LatentEmbedding.WriteSeeds(Path.Combine(run.Out, "seeds.tsv"), models.Record.Seeds, merged);
        var latent = LatentGwas.Run(people, merged.Merged, new LatentGwasSettings(settings.Bfile, covar, Threads: threads), run.Out, progress);

        progress.Info($"per-gene eQTL scan of {genes.Length} genes, in chunks of {Chunk}");
        var eqtl = EqtlLoci(settings, expression, genes, people, covar, Path.Combine(run.Out, "eqtl"), threads, progress);
        bool Meet(Locus a, Locus b) => a.Chrom == b.Chrom && a.Start - settings.Window <= b.End && b.Start - settings.Window <= a.End;
        var matches = latent.Loci.Select(l => new LatentLocusMatch(l.Lead.Id, l.Lead.Position, l.Lead.P, string.Join(',', l.Phenotypes),
            string.Join(',', eqtl.Where(e => Meet(l, e)).SelectMany(e => e.Phenotypes).Distinct()))).ToArray();
        var result = new ExpressionStudyResult(people.Length, genes.Length, latent.Latents, latent.EffectiveTests, latent.StudyWideThreshold,
            merged.Reproducibility().Average(), latent.Loci.Count, eqtl.Count, matches.Count(m => m.EqtlGenes.Length > 0),
            eqtl.Count(e => latent.Loci.Any(l => Meet(l, e))), matches);
        var table = new StringBuilder("LEAD_ID\tLEAD_POS\tLEAD_P\tLATENTS\tEQTL_GENES\n");
        foreach (var m in matches) table.Append(CultureInfo.InvariantCulture, $"{m.LeadId}\t{m.Position}\t{m.P:G3}\t{m.Latents}\t{m.EqtlGenes}\n");
        AtomicFile.WriteAllText(Path.Combine(run.Out, "latent_loci_vs_eqtl.tsv"), table.ToString());
        Json.Write(Path.Combine(run.Out, "summary.json"), result);
        return result;
    }

    // Genome-wide clumped loci of every gene's scan, merged across genes (eqtl/loci.tsv).
    private static IReadOnlyList<Locus> EqtlLoci(ExpressionStudySettings settings, ExpressionTable expression, int[] genes, FamSample[] people, string covar,
        string folder, int threads, IProgressReporter progress)
    {
        Directory.CreateDirectory(folder);
        var clumpFiles = new List<string>();
        var loci = new List<Locus>();
        for (var first = 0; first < genes.Length; first += Chunk)
        {
            var chunk = genes[first..Math.Min(genes.Length, first + Chunk)];
            var pheno = Path.Combine(folder, "chunk.pheno");
            PhenotypeTable.Write(pheno, people, chunk.Select(g => (expression.Genes[g].Name, expression.Values[g])).ToArray());
            var scan = AssociationScan.Run(new AssociationScanSettings(settings.Bfile, pheno, [], covar, [], Path.Combine(folder, "gene"), threads), progress);
            var path = Path.Combine(folder, $"loci.{first / Chunk}.tsv");
            LociSearch.Run(new LociSearchSettings(scan.Files, settings.Bfile, path, "genome-wide"), progress);
            loci.AddRange(IndependentLoci.Read(path));
            foreach (var f in scan.Files) File.Delete(f);
            File.Delete(pheno);
        }
        return MergeOverlapping(loci);
    }

    // Loci of different chunks that overlap become one, with the union of their genes.
    private static List<Locus> MergeOverlapping(List<Locus> loci)
    {
        var merged = new List<Locus>();
        foreach (var locus in loci.OrderBy(l => l.Chrom, StringComparer.Ordinal).ThenBy(l => l.Start))
        {
            if (merged.Count > 0 && merged[^1] is var last && last.Chrom == locus.Chrom && locus.Start <= last.End)
                merged[^1] = last with
                {
                    End = Math.Max(last.End, locus.End), Lead = locus.Lead.P < last.Lead.P ? locus.Lead : last.Lead,
                    LeadPhenotype = locus.Lead.P < last.Lead.P ? locus.LeadPhenotype : last.LeadPhenotype,
                    Phenotypes = [.. last.Phenotypes.Union(locus.Phenotypes)], ClumpCount = last.ClumpCount + locus.ClumpCount,
                };
            else merged.Add(locus);
        }
        return merged;
    }
}
