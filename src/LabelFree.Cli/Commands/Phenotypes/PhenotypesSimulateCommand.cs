using System.CommandLine;
using LabelFree.Cli.Options;
using LabelFree.Workflows.Phenotypes;

namespace LabelFree.Cli.Commands.Phenotypes;

/// <summary><c>phenotypes simulate</c>: a cohort with a known answer (<see cref="BrainShapeSimulation"/>), and with --study the whole chain on it (<see cref="SimulationStudy"/>).</summary>
public static class PhenotypesSimulateCommand
{
    public static Command Create()
    {
        var bfile = new Option<string>("--bfile") { Description = "PLINK 1 fileset prefix: the cohort's real genotypes", Required = true };
        var brain = new Option<string>("--brain") { Description = "Skull-stripped template brain (NIfTI) that each person's volume deforms", Required = true };
        var effects = new Option<double[]>("--effects") { Description = "Variance of each region's size explained by its causal SNP: ventricles, cerebellum, left temporal lobe", AllowMultipleArgumentsPerToken = true };
        var grid = new Option<int>("--grid") { Description = "Voxels per side of the volumes", DefaultValueFactory = _ => VolumeGrid.DefaultSize }.Positive();
        var spacing = new Option<double>("--spacing") { Description = "Voxel size in mm", DefaultValueFactory = _ => VolumeGrid.DefaultSpacingMm }.PositiveFinite();
        var study = new Option<bool>("--study") { Description = "Also run the whole chain (train, embed, GWAS, loci) and compare with the true region sizes and brain volume" };
        var seeds = new Option<int>("--seeds") { Description = "With --study: training seeds", DefaultValueFactory = _ => 3 }.Positive();
        var epochs = new Option<int?>("--epochs") { Description = "With --study: training epochs per seed (default 100)" }.Positive();
        var run = new RunOptions();
        var command = new Command("simulate", "Simulate brains whose regional sizes depend on causal SNPs of real genotypes; optionally validate the chain") { bfile, brain, effects, grid, spacing, study, seeds, epochs };
        run.AddTo(command);
        command.SetAction(r =>
        {
            var settings = run.Read(r);
            var simulation = new BrainSimulationSettings(r.GetValue(bfile)!, r.GetValue(brain)!) { Grid = r.GetValue(grid), SpacingMm = r.GetValue(spacing) };
            if (r.GetValue(effects) is { Length: > 0 } e) simulation = simulation.WithEffects(e);
            if (!r.GetValue(study))
            {
                var cohort = BrainShapeSimulation.Simulate(simulation.Validate(), settings.Seed);
                BrainShapeSimulation.Write(cohort, settings.Out);
                Console.WriteLine($"{cohort.Samples.Count} simulated brains, {cohort.Causal.Count} causal SNPs: {Path.Combine(settings.Out, "images.tsv")}, causal.tsv, truth.tsv, covariates.tsv");
                return CommandLine.Ok;
            }
            var result = SimulationStudy.Run(new SimulationStudySettings(simulation, new PhenotypeTrainSettings(r.GetValue(seeds), Epochs: r.GetValue(epochs))), settings, new ConsoleProgress(), settings.Threads ?? 2);
            foreach (var p in result.Planted)
                Console.WriteLine(FormattableString.Invariant($"{p.Region} ({p.Id}, r² {p.VarianceExplained:G2}): latents P {p.LatentP:G3} {(p.LatentFound ? "found" : "missed")}; true size P {p.TruthP:G3}; brain volume P {p.BrainVolumeP:G3}"));
            Console.WriteLine(FormattableString.Invariant($"{result.People} people, {result.Latents} latents (M_eff {result.EffectiveTests:F1}, threshold {result.StudyWideThreshold:G3}): {result.LatentLoci} latent loci, {result.FalseLoci} away from a causal SNP"));
            return CommandLine.Ok;
        });
        return command;
    }
}
