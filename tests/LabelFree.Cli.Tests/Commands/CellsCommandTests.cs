using System.Text.Json;
using LabelFree.Data.SingleCell;
using LabelFree.Data.SingleCell.Simulation;
using LabelFree.TestKit;

namespace LabelFree.Cli.Tests.Commands;

public class CellsCommandTests
{
    [Fact]
    public void Bad_inputs_are_one_line_and_exit_2()
    {
        using var folder = new TempFolder();
        var data = CountSimulator.Simulate(new SimulationOptions { Cells = 20, Genes = 8 }, seed: 1);
        data.Counts.Values[3] = 2.5f;  // a normalised value where a count belongs
        H5adWriter.Write(folder["normalised.h5ad"], data, new Dictionary<string, float[,]>());
        File.WriteAllText(folder["counts.csv"], "a,b\n1,2\n");
        Array.Clear(data.Counts.Values);
        H5adWriter.Write(folder["zeros.h5ad"], data, new Dictionary<string, float[,]>());

        foreach (var (args, expected) in new (string[], string)[]
                 {
                     (["cells", "train", "--input", folder["normalised.h5ad"], "--out", folder["run"]], "holds 2.5 (expected whole numbers"),
                     (["cells", "train", "--input", folder["missing.h5ad"], "--out", folder["run"]], "missing.h5ad: count matrix not found"),
                     (["cells", "train", "--input", folder["zeros.h5ad"], "--out", folder["run"]], "zeros.h5ad: every count is zero"),
                     (["cells", "train", "--input", folder["counts.csv"], "--out", folder["run"]], "unknown count-matrix format"),
                     (["cells", "train", "--input", RepoData.File("singlecell/pbmc_small"), "--batch-key", "donor", "--out", folder["run"]], "no obs column 'donor'"),
                     (["cells", "train", "--input", RepoData.File("singlecell/pbmc_small"), "--likelihood", "poisson", "--out", folder["run"]], "poisson"),
                     (["cells", "embed", "--model", folder["nomodel"], "--input", RepoData.File("singlecell/pbmc_small"), "--out", folder["embed"]], "model folder not found"),
                 })
            LabelFreeProcess.AssertBadInput(args, expected);
        Assert.False(Directory.Exists(folder["run"]), "a command that fails on its input leaves no output folder");
    }

    [Fact]
    [Trait(Category.Name, Category.Slow)]
    public void Train_and_embed_on_the_bundled_10x_data_write_an_h5ad_that_anndata_opens()
    {
        using var folder = new TempFolder();
        var pbmc = RepoData.File("singlecell/pbmc_small");
        var train = LabelFreeProcess.Run(["cells", "train", "--input", pbmc, "--out", folder["pbmc"], "--epochs", "20", "--likelihood", "nb", "--threads", "1"]);
        Assert.True(train.ExitCode == 0, train.Error);
        foreach (var file in new[] { "config.json", "metrics.jsonl", "model/model.safetensors", "latent.tsv", "clusters.tsv", "cells.h5ad", "figures/umap_leiden.png", "figures/loss.png" })
            Assert.True(File.Exists(Path.Combine(folder["pbmc"], file)), file);
        Assert.Equal(81, File.ReadAllLines(Path.Combine(folder["pbmc"], "latent.tsv")).Length);

        var embed = LabelFreeProcess.Run(["cells", "embed", "--model", Path.Combine(folder["pbmc"], "model"), "--input", pbmc, "--out", folder["embed"], "--normalized", "--threads", "1"]);
        Assert.True(embed.ExitCode == 0, embed.Error);
        Assert.Equal(File.ReadAllText(Path.Combine(folder["pbmc"], "latent.tsv")), File.ReadAllText(Path.Combine(folder["embed"], "latent.tsv")));
        var normalized = File.ReadAllLines(Path.Combine(folder["embed"], "normalized.tsv"));
        Assert.Equal(81, normalized.Length);
        Assert.Equal(1e4, normalized[1].Split('\t').Skip(1).Sum(double.Parse), 1);

        var visium = LabelFreeProcess.Run(["cells", "train", "--input", RepoData.File("singlecell/visium_mouse_brain/filtered_feature_bc_matrix.h5.gz"),
            "--out", folder["visium"], "--epochs", "1", "--threads", "1"]);
        Assert.True(visium.ExitCode == 0, visium.Error);

        var lines = DebianPython.Run("python3-anndata", """
            import sys, anndata
            for path in sys.argv[1:]:
                a = anndata.read_h5ad(path)
                print(a.n_obs, a.n_vars, a.obsm["X_scVI"].shape[1], a.obsm["X_umap"].shape[1], a.obs["leiden"].dtype, a.obs["leiden"].nunique() >= 1)
            """, Path.Combine(folder["embed"], "cells.h5ad"), Path.Combine(folder["visium"], "cells.h5ad"));
        Assert.Equal(["80 240 10 2 category True", "2695 100 10 2 category True"], lines);
    }

    /// <summary>The acceptance test: on simulated counts with known types and two batches, scVI beats the PCA baseline in ARI and batch mixing.</summary>
    [Fact]
    [Trait(Category.Name, Category.Slow)]
    public void Scvi_beats_the_pca_baseline_on_simulated_batches()
    {
        using var folder = new TempFolder();
        var simulate = LabelFreeProcess.Run(["cells", "simulate", "--out", folder["sim.h5ad"], "--cells", "1000", "--genes", "300", "--seed", "1"]);
        Assert.True(simulate.ExitCode == 0, simulate.Error);
        // scvi-tools' defaults throughout (400 epochs for 900 training cells, KL warm-up over all of them).
        var train = LabelFreeProcess.Run(["cells", "train", "--input", folder["sim.h5ad"], "--batch-key", "batch", "--out", folder["run"], "--threads", "1"],
            timeout: TimeSpan.FromMinutes(10));
        Assert.True(train.ExitCode == 0, train.Error);
        var eval = LabelFreeProcess.Run(["cells", "eval", "--model", Path.Combine(folder["run"], "model"), "--input", folder["sim.h5ad"], "--batch-key", "batch",
            "--labels-key", "cell_type", "--out", folder["eval"], "--threads", "1"]);
        Assert.True(eval.ExitCode == 0, eval.Error);

        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder["eval"], "metrics.json")));
        var scvi = metrics.RootElement.GetProperty("scvi");
        var pca = metrics.RootElement.GetProperty("baseline_pca");
        double Get(JsonElement e, string name) => e.GetProperty(name).GetDouble();
        Assert.True(Get(scvi, "ari_leiden") > Get(pca, "ari_leiden") + 0.1, eval.Output);
        Assert.True(Get(scvi, "batch_entropy") > Get(pca, "batch_entropy") + 0.3, eval.Output);
        Assert.True(Get(scvi, "ari_leiden") > 0.5, eval.Output);
    }
}
