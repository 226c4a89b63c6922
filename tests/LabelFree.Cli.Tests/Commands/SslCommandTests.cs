using System.Text.Json;
using LabelFree.Data.Tiles;
using LabelFree.TestKit;

namespace LabelFree.Cli.Tests.Commands;

public class SslCommandTests
{
    [Fact]
    public void Bad_inputs_are_one_line_and_exit_2_before_any_output()
    {
        using var folder = new TempFolder();
        var brain = RepoData.File("imaging/ch2bet.nii.gz");
        foreach (var (args, expected) in new (string[], string)[]
                 {
                     (["ssl", "pretrain", "--images", folder["missing.png"], "--out", folder["run"]], "missing.png: no such image file"),
                     (["ssl", "pretrain", "--images", brain, "--method", "byol", "--out", folder["run"]], "--method: expected simclr, micle or dino"),
                     (["ssl", "pretrain", "--images", brain, "--labels", brain, "--out", folder["run"]], "--label-names"),
                     (["ssl", "pretrain", "--images", brain, "--patch", "4", "--out", folder["run"]], "--patch: expected at least 8 voxels"),
                     (["ssl", "probe", "--model", folder["nomodel"], "--train", brain, "--test", brain, "--out", folder["probe"]], "model folder not found"),
                     (["ssl", "expression", "--model", folder["nomodel"], "--visium", folder["novisium"], "--out", folder["expr"]], "no such Visium folder"),
                     (["ssl", "crossmodal", "--out", folder["run"]], "--visium: give either a Visium folder or images with a table"),
                     (["ssl", "crossmodal", "--images", brain, "--out", folder["run"]], "--table: images and a table go together"),
                     (["ssl", "crossmodal", "--images", brain, "--table", folder["none.tsv"], "--out", folder["run"]], "none.tsv"),
                 })
            LabelFreeProcess.AssertBadInput(args, expected);
        Assert.False(Directory.Exists(folder["run"]));
    }

    [Fact]
    [Trait(Category.Name, Category.Slow)]
    public void Pretrain_embed_and_probe_on_labelled_png_folders_and_expression_and_crossmodal_on_visium()
    {
        using var folder = new TempFolder();
        foreach (var (part, count) in new[] { ("train", 24), ("test", 12) })
            for (var i = 0; i < count; i++)
            {
                var label = i % 2 == 0 ? "horizontal" : "vertical";
                Directory.CreateDirectory(Path.Combine(folder[part], label));
                var pixels = new float[3 * 20 * 20];
                for (var c = 0; c < 3; c++)
                    for (var y = 0; y < 20; y++)
                        for (var x = 0; x < 20; x++)
                            pixels[(c * 20 + y) * 20 + x] = ((label == "horizontal" ? y : x) + i) % 4 < 2 ? 0.9f : 0.1f;
                ImageFiles.WritePng(Path.Combine(folder[part], label, $"{i}.png"), new TileImage("x", 3, 20, 20, pixels));
            }
        string[] common = ["--threads", "1", "--seed", "2"];
        var pretrain = LabelFreeProcess.Run(["ssl", "pretrain", "--images", folder["train"], "--width", "4", "--image-size", "16", "--steps", "4", "--batch-size", "8",
            "--out", folder["pre"], .. common]);
        Assert.True(pretrain.ExitCode == 0, pretrain.Error);
        var model = Path.Combine(folder["pre"], "model");
        var embed = LabelFreeProcess.Run(["ssl", "embed", "--model", model, "--images", folder["test"], "--out", folder["emb"], .. common]);
        Assert.True(embed.ExitCode == 0, embed.Error);
        Assert.Equal(13, File.ReadAllLines(Path.Combine(folder["emb"], "embeddings.tsv")).Length);
        var probe = LabelFreeProcess.Run(["ssl", "probe", "--model", model, "--train", folder["train"], "--test", folder["test"], "--out", folder["probe"], .. common]);
        Assert.True(probe.ExitCode == 0, probe.Error);
        using (var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder["probe"], "metrics.json"))))
        {
            var scores = metrics.RootElement.GetProperty("scores");
            foreach (var key in new[] { "pretrained/linear", "pretrained/knn", "random_init/linear", "random_init/knn", "pca_pixels/linear", "pca_pixels/knn" })
                Assert.InRange(scores.GetProperty(key).GetProperty("balanced_accuracy").GetDouble(), 0, 1);
            Assert.Equal(2, metrics.RootElement.GetProperty("classes").GetArrayLength());
        }

        var visium = RepoData.File("singlecell/visium_mouse_brain");
        var tiles = LabelFreeProcess.Run(["ssl", "pretrain", "--images", visium, "--method", "dino", "--layers", "1", "--prototypes", "64", "--local-crops", "2",
            "--image-size", "16", "--steps", "2", "--batch-size", "8", "--out", folder["dino"], .. common]);
        Assert.True(tiles.ExitCode == 0, tiles.Error);
        var expression = LabelFreeProcess.Run(["ssl", "expression", "--model", Path.Combine(folder["dino"], "model"), "--visium", visium, "--out", folder["expr"], .. common]);
        Assert.True(expression.ExitCode == 0, expression.Error);
        var genes = File.ReadAllLines(Path.Combine(folder["expr"], "genes.tsv"));
        Assert.Equal("gene\tr_pretrained\tr_random_init\tr_pca_pixels", genes[0]);
        Assert.True(genes.Length > 10);
        var cross = LabelFreeProcess.Run(["ssl", "crossmodal", "--visium", visium, "--width", "4", "--image-size", "16", "--steps", "3", "--batch-size", "16",
            "--out", folder["cross"], .. common]);
        Assert.True(cross.ExitCode == 0, cross.Error);
        Assert.True(File.Exists(Path.Combine(folder["cross"], "metrics.json")));

        // The same model on images and a table keyed by image name (each training image's file name without .png).
        File.WriteAllLines(folder["table.tsv"], ["id\tstripe\tphase", .. Enumerable.Range(0, 24).Select(i => $"{i}\t{i % 2}\t{i % 4}")]);
        var table = LabelFreeProcess.Run(["ssl", "crossmodal", "--images", folder["train"], "--table", folder["table.tsv"], "--width", "4", "--image-size", "16", "--steps", "3",
            "--batch-size", "8", "--out", folder["cross2"], .. common]);
        Assert.True(table.ExitCode == 0, table.Error);
        using var crossMetrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder["cross2"], "metrics.json")));
        Assert.Equal(6, crossMetrics.RootElement.GetProperty("test_keys").GetInt32());
        Assert.Equal(18, crossMetrics.RootElement.GetProperty("train_images").GetInt32());
        Assert.Equal(1.0 / 6, crossMetrics.RootElement.GetProperty("chance").GetProperty("image_to_row_top1").GetDouble(), 12);
    }
}
