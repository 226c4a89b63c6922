using System.Globalization;
using LabelFree.Core.Progress;
using LabelFree.Reports.Html;
using LabelFree.Workflows.Phenotypes;

namespace LabelFree.Cli.Commands.Demo;

/// <summary>What the demo's latent-phenotype part found: the known-answer simulation, and (full run) GEUVADIS expression latents.</summary>
public sealed record PhenotypesDemoResult(SimulationStudyResult Simulation, ExpressionStudyResult? Expression);

/// <summary>
/// The demo's latent phenotypes (issue 17): simulated brains whose regional sizes depend on causal SNPs of the real
/// GEUVADIS genotypes, latents from several seeds merged, their GWAS and loci against the planted SNPs, the true sizes
/// and brain volume; the full run adds expression latents of GEUVADIS against the per-gene cis-eQTL loci.
/// --quick: a 12³ grid of 14 mm, 2 seeds of 40 epochs and 8 latents; full: 16³ at 11 mm, 3 seeds of 100 epochs, 16 latents.
/// </summary>
public static class PhenotypesPipeline
{
    public static PhenotypesDemoResult Run(DemoSettings demo, HtmlReport report, IProgressReporter progress)
    {
        var folder = Path.Combine(demo.Out, "phenotypes");
        var bfile = Path.Combine(DataFolder.Locate(), "genetics", "geuv_chr22");
        var simulation = new BrainSimulationSettings(bfile, DataFolder.File("imaging/ch2bet.nii.gz"));
        if (demo.Quick) simulation = simulation with { Grid = 12, SpacingMm = 14 };
        var training = demo.Quick ? new PhenotypeTrainSettings(Seeds: 2, Latent: 8, Epochs: 40) : new PhenotypeTrainSettings();
        var threads = demo.Threads ?? 2;
        var sim = SimulationStudy.Run(new SimulationStudySettings(simulation, training), demo.In(Path.Combine(folder, "simulation")), progress, threads);
        var expression = demo.Quick ? null : ExpressionLatentStudy.Run(new ExpressionStudySettings(bfile, DataFolder.File("genetics/genes.50percent.chr22.bed.gz"),
            DataFolder.File("genetics/genes.covariates.pc50.txt.gz"), new PhenotypeTrainSettings()), demo.In(Path.Combine(folder, "expression")), progress, threads);

        var section = report.Section("Latent phenotypes to genetic loci (Ometto et al.'s protocol, on a simulation with a known answer)")
            .Paragraph(Invariant($"{sim.People} GEUVADIS people (real chr22 genotypes) each got a brain volume: the Colin27 template deformed by smooth regional expansions whose sizes ") +
                       "depend on one planted causal SNP per region (plus age, sex, non-genetic regions and voxel noise). A table autoencoder was trained from " +
                       Invariant($"{sim.Seeds} seeds on the voxels; its {sim.Latents} latents were matched across seeds by the Hungarian algorithm on absolute correlation ") +
                       Invariant($"(mean |r| of matched latents {sim.MeanReproducibility:F2}) and merged, rank-based inverse normal transformed, and scanned with age and sex as covariates. ") +
                       Invariant($"Li and Ji's effective number of latents is {sim.EffectiveTests:F1}, so the study-wide threshold is 5e-8 / {sim.EffectiveTests:F1} = {sim.StudyWideThreshold:G2}. ") +
                       Invariant($"The latents gave {sim.LatentLoci} loci, {sim.FalseLoci} of them away from every planted SNP. Beside them: the GWAS of the true region size (upper bound) and of brain volume (hand-crafted), at 5e-8."))
            .Table(["region", "causal SNP", "variance explained", "latents: P", "found", "latents hit", "true size: P", "brain volume: P"],
                sim.Planted.Select(p => (IReadOnlyList<string>)[p.Region, p.Id, Invariant($"{p.VarianceExplained:G2}"), Invariant($"{p.LatentP:G3}"),
                    p.LatentFound ? "yes" : "no", p.LatentsHit, Invariant($"{p.TruthP:G3}"), Invariant($"{p.BrainVolumeP:G3}")]))
            .Figure(sim.Manhattan, "Every merged latent's scan; planted SNPs: see the table.");
        foreach (var traversal in sim.Traversals)
            section.Figure(traversal, $"Latent traversal of {Path.GetFileNameWithoutExtension(traversal)[10..]}, a latent that leads a locus: decoded at -3, -1.5, 0, +1.5, +3 SD (the rest at the mean), and the +3 minus -3 difference, through the voxel it changes most.");
        if (expression is { } e)
            report.Section("Latent phenotypes of expression (GEUVADIS, real data)")
                .Paragraph(Invariant($"{e.Latents} latents of {e.Genes} chr22 genes in {e.People} people (table autoencoder, seeds merged, mean |r| {e.Reproducibility:F2}; M_eff {e.EffectiveTests:F1}, ") +
                           Invariant($"threshold {e.StudyWideThreshold:G2}) gave {e.LatentLoci} loci; the per-gene eQTL scan (5e-8) gave {e.EqtlLoci}. {e.LatentLociAtEqtl} latent loci sit on an eQTL locus; ") +
                           Invariant($"the latents found {e.EqtlLociFoundByLatents} of the {e.EqtlLoci} eQTL loci."))
                .Table(["lead SNP", "position", "P", "latents", "eQTL genes there"],
                    e.Matches.OrderBy(m => m.P).Take(15).Select(m => (IReadOnlyList<string>)[m.LeadId, m.Position.ToString("N0", CultureInfo.InvariantCulture), Invariant($"{m.P:G3}"), m.Latents, m.EqtlGenes]));
        return new PhenotypesDemoResult(sim, expression);
    }

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);
}
