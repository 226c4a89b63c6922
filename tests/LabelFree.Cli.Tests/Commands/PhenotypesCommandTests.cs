using LabelFree.Analysis.Gwas;
using LabelFree.Data.Genotypes;
using LabelFree.TestKit;
using LabelFree.Workflows.Phenotypes;
using LabelFree.Workflows.Runs;

namespace LabelFree.Cli.Tests.Commands;

public class PhenotypesCommandTests
{
    private static readonly string Bfile = RepoData.File("genetics/geuv_chr22");
    private static readonly string Brain = RepoData.File("imaging/ch2bet.nii.gz");

    [Fact]
    public void Bad_inputs_are_one_line_and_exit_2()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder["values.tsv"], "IID\ta\tb\n" + string.Concat(Enumerable.Range(0, 12).Select(i => $"p{i}\t{i}\t{(i == 5 ? "x" : "1")}\n")));
        File.WriteAllText(folder["images.tsv"], "IID\tpath\np1\tnowhere.nii.gz\n");
        foreach (var (args, expected) in new (string[], string)[]
                 {
                     (["phenotypes", "train", "--table", folder["values.tsv"], "--out", folder["run"]], "line 7, column b: 'x' is not a number"),
                     (["phenotypes", "train", "--images", folder["images.tsv"], "--out", folder["run"]], "line 2: nowhere.nii.gz not found"),
                     (["phenotypes", "train", "--out", folder["run"]], "give either --images or --table"),
                     (["phenotypes", "train", "--table", folder["values.tsv"], "--seeds", "0", "--out", folder["run"]], "--seeds: expected a positive number"),
                     (["phenotypes", "embed", "--model", folder["nomodel"], "--table", folder["values.tsv"], "--out", folder["emb"]], "phenotypes.json"),
                     (["phenotypes", "simulate", "--bfile", Bfile, "--brain", Brain, "--effects", "0.1", "0.2", "0.3", "0.4", "--out", folder["run"]], "at most 3 values"),
                 })
            LabelFreeProcess.AssertBadInput(args, expected);
        Assert.False(Directory.Exists(folder["run"]), "a command that fails on its input leaves no output folder");
    }

    [Fact]
    public void The_simulation_plants_each_region_size_on_its_causal_snp_and_repeats_with_its_seed()
    {
        var settings = new BrainSimulationSettings(Bfile, Brain) { Grid = 8, SpacingMm = 22 };
        var cohort = BrainShapeSimulation.Simulate(settings, seed: 4);
        Assert.Equal(358, cohort.Volumes.Length);
        Assert.Equal(3, cohort.Causal.Select(c => c.Id).Distinct().Count());
        using var fileset = PlinkFileset.Open(Bfile);
        var ids = fileset.Variants().Select(v => v.Id).ToList();
        for (var r = 0; r < 3; r++)
        {
            var dosage = Dosages(fileset, ids.IndexOf(cohort.Causal[r].Id));
            var r2 = Math.Pow(Correlation(dosage, cohort.RegionSize[r]), 2);
            Assert.InRange(r2, cohort.Causal[r].VarianceExplained - 0.08, cohort.Causal[r].VarianceExplained + 0.08);
        }
        Assert.True(Correlation(cohort.Sex, cohort.BrainVolumeMl) > 0.3, "men's brains are simulated larger");
        var again = BrainShapeSimulation.Simulate(settings, seed: 4);
        Assert.Equal(cohort.Volumes[17], again.Volumes[17]);
        Assert.NotEqual(cohort.Volumes[17], BrainShapeSimulation.Simulate(settings, seed: 5).Volumes[17]);
    }

    [Fact]
    [Trait(Category.Name, Category.Slow)]
    public void The_chain_finds_the_largest_planted_locus_at_the_study_wide_threshold_and_nothing_else()
    {
        using var folder = new TempFolder();
        var settings = new SimulationStudySettings(new BrainSimulationSettings(Bfile, Brain) { Grid = 12, SpacingMm = 14 }, new PhenotypeTrainSettings(Seeds: 2, Latent: 8, Epochs: 40));
        var result = SimulationStudy.Run(settings, new RunSettings(folder["study"], Seed: 0, Threads: 1), new Core.Progress.SilentProgress(), threads: 1);
        var ventricles = result.Planted.Single(p => p.Region == "ventricles");
        Assert.True(ventricles.LatentFound, $"ventricle locus P {ventricles.LatentP:G3} against {result.StudyWideThreshold:G3}");
        Assert.True(ventricles.LatentP < result.StudyWideThreshold);
        Assert.All(result.Planted, p => Assert.True(p.TruthP <= p.LatentP, "the true size is the upper bound"));
        Assert.Equal(0, result.FalseLoci);
        Assert.InRange(result.EffectiveTests, 2, 8);
        Assert.True(File.Exists(result.Traversals[0]));
    }

    [Fact]
    [Trait(Category.Name, Category.Slow)]
    public void Simulate_train_embed_and_gwas_run_end_to_end_on_real_genotypes()
    {
        using var folder = new TempFolder();
        string[] grid = ["--grid", "8", "--spacing", "22"];
        var simulate = LabelFreeProcess.Run(["phenotypes", "simulate", "--bfile", Bfile, "--brain", Brain, .. grid, "--out", folder["cohort"]]);
        Assert.True(simulate.ExitCode == 0, simulate.Error);
        var images = Path.Combine(folder["cohort"], "images.tsv");
        var train = LabelFreeProcess.Run(["phenotypes", "train", "--images", images, "--seeds", "2", "--latent", "4", "--epochs", "5", .. grid, "--threads", "1", "--out", folder["run"]]);
        Assert.True(train.ExitCode == 0, train.Error);
        var embed = LabelFreeProcess.Run(["phenotypes", "embed", "--model", folder["run"], "--images", images, "--threads", "1", "--out", folder["embed"]]);
        Assert.True(embed.ExitCode == 0, embed.Error);
        var latents = File.ReadAllLines(Path.Combine(folder["embed"], "latents.tsv"));
        Assert.Equal("#FID\tIID\tZ1\tZ2\tZ3\tZ4", latents[0]);
        Assert.Equal(359, latents.Length);
        var gwas = LabelFreeProcess.Run(["phenotypes", "gwas", "--model", folder["run"], "--images", images, "--bfile", Bfile,
            "--covar", Path.Combine(folder["cohort"], "covariates.tsv"), "--threads", "1", "--out", folder["gwas"]]);
        Assert.True(gwas.ExitCode == 0, gwas.Error);
        Assert.Equal(latents, File.ReadAllLines(Path.Combine(folder["gwas"], "latents.tsv")));
        Assert.StartsWith("LOCUS\tCHROM\tSTART\tEND\tLEAD_ID\tLEAD_POS\tLEAD_P", File.ReadAllLines(Path.Combine(folder["gwas"], "loci.tsv"))[0]);
        Assert.Equal(85_486, File.ReadLines(Path.Combine(folder["gwas"], "gwas", "latent.Z4.glm.linear")).Count());
        Assert.Contains("study-wide threshold", gwas.Output);
    }

    private static double[] Dosages(PlinkFileset fileset, int variant)
    {
        var n = fileset.Samples.Count;
        var packed = new byte[fileset.Bed.BytesPerVariant];
        fileset.Bed.ReadPacked(variant, 1, packed);
        var dosages = new double[(n + 3) / 4 * 4];
        GenotypeDecoder.Decode(packed, n, dosages, []);
        return dosages[..n];
    }

    private static double Correlation(double[] a, double[] b)
    {
        var (ma, mb) = (a.Average(), b.Average());
        var cov = a.Zip(b).Sum(p => (p.First - ma) * (p.Second - mb));
        return cov / Math.Sqrt(a.Sum(x => (x - ma) * (x - ma)) * b.Sum(y => (y - mb) * (y - mb)));
    }
}
