using System.Globalization;
using System.Text;
using LabelFree.Analysis.Loci;
using LabelFree.Core.IO;
using LabelFree.Core.Progress;
using LabelFree.Reports.Gwas;
using LabelFree.Workflows.Gwas;
using LabelFree.Workflows.Runs;

namespace LabelFree.Workflows.Phenotypes;

/// <summary>A known-answer run: the simulation, the latent model's training, and whether to write the volumes as NIfTI.</summary>
public sealed record SimulationStudySettings(BrainSimulationSettings Simulation, PhenotypeTrainSettings Training, bool WriteImages = false, int Window = 250_000);

/// <summary>
/// One planted locus and what each phenotype made of it: the smallest P within the window around the causal SNP, and
/// whether a locus was called there (latents: at the study-wide threshold, clumped; the true region size and brain
/// volume: at 5e-8).
/// </summary>
public sealed record PlantedLocus(string Region, string Id, int Position, double VarianceExplained,
    double LatentP, bool LatentFound, string LatentsHit, double TruthP, bool TruthFound, double BrainVolumeP, bool BrainVolumeFound);

/// <summary>What the known-answer run found.</summary>
public sealed record SimulationStudyResult(int People, int Latents, int Seeds, double EffectiveTests, double StudyWideThreshold,
    IReadOnlyList<PlantedLocus> Planted, int LatentLoci, int FalseLoci, double MeanReproducibility, IReadOnlyList<string> Traversals, string Manhattan);

/// <summary>
/// The whole chain on data whose answer is known (issue 17): simulate a cohort (<see cref="BrainShapeSimulation"/>),
/// learn latent phenotypes from its volumes with several seeds and merge them, run the latent GWAS and loci
/// (<see cref="LatentGwas"/>, age and sex as covariates), and compare, for each planted causal SNP, with the GWAS of the
/// true region size (the upper bound) and of brain volume (the hand-crafted measurement). Writes recovery.tsv,
/// summary.json, figures/manhattan.png and one traversal figure per latent that leads a locus.
/// </summary>
public static class SimulationStudy
{
    public const double GenomeWide = 5e-8;

    public static SimulationStudyResult Run(SimulationStudySettings settings, RunSettings run, IProgressReporter progress, int threads = 2)
    {
        settings.Simulation.Validate();
        settings.Training.Validate();
        progress.Info("simulating the cohort: real genotypes, causal SNPs, one deformed brain per person");
        var cohort = BrainShapeSimulation.Simulate(settings.Simulation, run.Seed);
        RunFolder.Start(run.Out, "phenotypes simulation", run.Seed, run.DeviceName, settings);
        var cohortFolder = Path.Combine(run.Out, "cohort");
        Directory.CreateDirectory(cohortFolder);
        if (settings.WriteImages) BrainShapeSimulation.Write(cohort, cohortFolder);
        else WriteTables(cohort, cohortFolder);
        var covar = Path.Combine(cohortFolder, "covariates.tsv");

        var grid = new VolumeGrid(cohort.Shape, cohort.GridAffine);
        var input = new PhenotypeInput("simulation", cohort.Samples, cohort.Volumes, [], grid);
        using var models = LatentModels.Train(input, settings.Training, run.In(Path.Combine(run.Out, "model")), progress);
        var merged = models.Embed(input);
        var gwasSettings = new LatentGwasSettings(settings.Simulation.Bfile, covar, GenomeWide, Threads: threads);
        var latent = LatentGwas.Run(cohort.Samples, merged.Merged, gwasSettings, run.Out, progress);

        progress.Info("reference scans: the true region sizes and brain volume");
        var truthFolder = Path.Combine(run.Out, "truth_gwas");
        Directory.CreateDirectory(truthFolder);
        var truthScan = AssociationScan.Run(new AssociationScanSettings(settings.Simulation.Bfile, Path.Combine(cohortFolder, "truth.tsv"), [], covar, [],
            Path.Combine(truthFolder, "truth"), threads), progress);
        var truth = truthScan.Files.Select(f => SumStatsReader.Read(f, Label(f))).ToDictionary(s => s.Phenotype);
        var latentStats = Enumerable.Range(1, latent.Latents).Select(j => SumStatsReader.Read($"{latent.GwasPrefix}.Z{j}.glm.linear", $"Z{j}")).ToArray();

        var planted = cohort.Causal.Select(c =>
        {
            bool Near(int position) => Math.Abs(position - c.Position) <= settings.Window;
            double MinP(SumStats s) => s.Rows.Where(r => r.Chrom == c.Chrom && Near(r.Position)).Select(r => r.P).DefaultIfEmpty(1).Min();
            var hits = latent.Loci.Where(l => l.Chrom == c.Chrom && (Near(l.Lead.Position) || (l.Start <= c.Position && c.Position <= l.End))).ToArray();
            var truthP = MinP(truth[c.Region]);
            var volumeP = MinP(truth["brain_volume"]);
            return new PlantedLocus(c.Region, c.Id, c.Position, c.VarianceExplained, latentStats.Min(MinP), hits.Length > 0,
                string.Join(',', hits.SelectMany(h => h.Phenotypes).Distinct()), truthP, truthP < GenomeWide, volumeP, volumeP < GenomeWide);
        }).ToArray();
        var falseLoci = latent.Loci.Count(l => !cohort.Causal.Any(c => c.Chrom == l.Chrom &&
            (Math.Abs(l.Lead.Position - c.Position) <= settings.Window || (l.Start <= c.Position && c.Position <= l.End))));
        WriteRecovery(Path.Combine(run.Out, "recovery.tsv"), planted);

        var figures = Path.Combine(run.Out, "figures");
        Directory.CreateDirectory(figures);
        var manhattan = Path.Combine(figures, "manhattan.png");
        GwasFigures.Manhattan(manhattan, latentStats, $"{latent.Latents} merged latents of {cohort.Samples.Count} simulated brains (study-wide threshold {latent.StudyWideThreshold:G2})");
        var traversals = new List<string>();
        foreach (var name in latent.Loci.OrderBy(l => l.Lead.P).Select(l => l.LeadPhenotype).Distinct().Take(3))
        {
            var j = int.Parse(name[1..], CultureInfo.InvariantCulture) - 1;
            var path = Path.Combine(figures, $"traversal_{name}.png");
            LatentTraversal.Save(path, models.Models[0], cohort.Volumes, grid, j, name);
            traversals.Add(path);
        }
        var result = new SimulationStudyResult(cohort.Samples.Count, latent.Latents, settings.Training.Seeds, latent.EffectiveTests, latent.StudyWideThreshold,
            planted, latent.Loci.Count, falseLoci, merged.Reproducibility().Average(), traversals, manhattan);
        Json.Write(Path.Combine(run.Out, "summary.json"), result);
        return result;
    }

    private static void WriteTables(SimulatedCohort cohort, string folder)
    {
        PhenotypeTable.Write(Path.Combine(folder, "truth.tsv"), cohort.Samples,
            [.. cohort.RegionNames.Select((r, k) => (r, cohort.RegionSize[k])), ("brain_volume", cohort.BrainVolumeMl)]);
        PhenotypeTable.Write(Path.Combine(folder, "covariates.tsv"), cohort.Samples, [("age", cohort.Age), ("sex", cohort.Sex)]);
    }

    private static void WriteRecovery(string path, IReadOnlyList<PlantedLocus> planted)
    {
        var text = new StringBuilder("REGION\tID\tPOS\tVARIANCE_EXPLAINED\tLATENT_P\tLATENT_FOUND\tLATENTS_HIT\tTRUTH_P\tTRUTH_FOUND\tBRAIN_VOLUME_P\tBRAIN_VOLUME_FOUND\n");
        foreach (var p in planted)
            text.Append(CultureInfo.InvariantCulture,
                $"{p.Region}\t{p.Id}\t{p.Position}\t{p.VarianceExplained:G3}\t{p.LatentP:G3}\t{p.LatentFound}\t{p.LatentsHit}\t{p.TruthP:G3}\t{p.TruthFound}\t{p.BrainVolumeP:G3}\t{p.BrainVolumeFound}\n");
        AtomicFile.WriteAllText(path, text.ToString());
    }

    // truth.<name>.glm.linear -> name
    private static string Label(string path)
    {
        var file = Path.GetFileName(path);
        return file["truth.".Length..^".glm.linear".Length];
    }
}
