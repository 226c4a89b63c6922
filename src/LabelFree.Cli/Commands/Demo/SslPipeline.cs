using System.Globalization;
using LabelFree.Core.IO;
using LabelFree.Core.Progress;
using LabelFree.Data.Imaging;
using LabelFree.Data.Tiles;
using LabelFree.Reports.Html;
using LabelFree.Workflows.Ssl;

namespace LabelFree.Cli.Commands.Demo;

/// <summary>What the demo's self-supervised image part found.</summary>
public sealed record SslDemoResult(SslPretrainSummary Pretraining, SslProbeMetrics Probe, SslExpressionMetrics? Expression);

/// <summary>
/// The demo's self-supervised image part: SimCLR (a narrow ResNet-18) pre-trained without labels on 2-D patches of the
/// left hemisphere of the bundled Colin27 brain; frozen features probed for each patch's AAL lobe, trained on the
/// left hemisphere and tested on the right, beside the same encoder with random weights and PCA of the pixels. The
/// full run adds RNAPath-style expression on the Visium mouse brain: SimCLR on the slide's spot tiles, then ridge per
/// gene on held-out spatial blocks beside the same baselines (the quick run leaves it out to stay within its time).
/// </summary>
public static class SslPipeline
{
    public static SslDemoResult Run(DemoSettings demo, HtmlReport report, IProgressReporter progress)
    {
        var folder = Path.Combine(demo.Out, "ssl");
        var brain = DataFolder.File("imaging/ch2bet.nii.gz");
        var stride = demo.Quick ? 8 : 4;
        SslImageInput Patches(Hemisphere side, bool labels) => new([brain], labels ? DataFolder.File("imaging/aal.nii.gz") : null,
            labels ? DataFolder.File("imaging/aal.nii.txt") : null, new PatchSampling(Size: 32, Stride: stride, Side: side, Grouping: AtlasGrouping.Lobe));

        var settings = new SslPretrainSettings(Patches(Hemisphere.Left, labels: false), SslMethod.Simclr, Width: demo.Quick ? 16 : 32);
        var steps = demo.Steps ?? (demo.Quick ? 30 : 600);
        var training = SslPretraining.DefaultTraining(settings, steps, demo.Seed, batchSize: demo.Quick ? 64 : 128);
        progress.Info($"ssl: SimCLR on left-hemisphere brain patches, {steps} steps");
        var pretrain = SslPretraining.Run(settings, training, demo.In(Path.Combine(folder, "pretrain")), demo.Resume, progress, "demo ssl");
        progress.Info("ssl: lobe probes, trained on the left hemisphere and tested on the right");
        var probe = SslProbing.Run(new SslProbeSettings(pretrain.Model, Patches(Hemisphere.Left, labels: true), Patches(Hemisphere.Right, labels: true)),
            demo.In(Path.Combine(folder, "probe")), progress);

        SslExpressionMetrics? expression = null;
        if (!demo.Quick)
        {
            progress.Info("ssl: SimCLR on Visium spot tiles, then expression on held-out spatial blocks");
            var visium = DataFolder.File("singlecell/visium_mouse_brain");
            var tiles = settings with { Images = new SslImageInput([visium]) };
            var tileModel = SslPretraining.Run(tiles, SslPretraining.DefaultTraining(tiles, steps, demo.Seed, batchSize: 128), demo.In(Path.Combine(folder, "visium_pretrain")),
                demo.Resume, progress, "demo ssl");
            expression = SslExpression.Run(new SslExpressionSettings(tileModel.Model, new VisiumSettings(visium)), demo.In(Path.Combine(folder, "expression")), progress);
        }

        var result = new SslDemoResult(pretrain, probe, expression);
        Json.Write(Path.Combine(folder, "summary.json"), result);
        static string F(double v) => v.ToString("F3", CultureInfo.InvariantCulture);
        string[] representations = [SslProbing.Pretrained, SslProbing.RandomInit, SslProbing.PcaPixels];
        string[] names = ["SimCLR encoder (frozen)", "same encoder, random weights", $"PCA of the pixels ({probe.PcaComponents} components)"];
        report.Section("Self-supervised image features: SimCLR on brain MRI patches")
            .Paragraph($"SimCLR (Chen et al. 2020: two random views per image, NT-Xent, LARS) trained a ResNet-18 of width {settings.Width} without labels on " +
                       $"{pretrain.Images:N0} axial 32x32 patches of the left hemisphere of the Colin27 brain (ch2bet, 1 mm), {pretrain.Steps} steps in " +
                       $"{pretrain.Seconds:F0} s ({pretrain.ImagesPerSecond:F0} images/s), with MRI views (crops, flips, blur, intensity jitter instead of colour). " +
                       $"Its frozen features were then probed for each patch's AAL lobe ({probe.Classes.Count} classes) with the probe trained on " +
                       $"{probe.Train:N0} left-hemisphere patches and tested on {probe.Test:N0} right-hemisphere patches (no patch crosses the midline), " +
                       "beside the same encoder with random weights and PCA of the raw pixels (fitted on the training patches). Chance balanced accuracy is " +
                       $"{F(1.0 / probe.Classes.Count)}.")
            .Table(["representation", "linear: accuracy", "balanced accuracy", "macro F1", "k-NN (k 20): accuracy", "balanced accuracy", "macro F1"],
                representations.Select((r, i) =>
                {
                    var (linear, knn) = (probe.Scores[$"{r}/{SslProbing.Linear}"], probe.Scores[$"{r}/{SslProbing.Knn}"]);
                    return (IReadOnlyList<string>)[names[i], F(linear.Accuracy), F(linear.BalancedAccuracy), F(linear.MacroF1), F(knn.Accuracy), F(knn.BalancedAccuracy), F(knn.MacroF1)];
                }))
            .Figure(Path.Combine(folder, "probe", "figures", "umap_test.png"), "UMAP of the SimCLR features of the right-hemisphere (test) patches, coloured by AAL lobe.");
        if (expression is { } e)
        {
            var p = e.Scores[SslProbing.Pretrained];
            report.Paragraph($"RNAPath-style expression: SimCLR on the {e.TrainSpots + e.TestSpots + e.DroppedSpots:N0} spot tiles of the Visium mouse brain H&E image, " +
                             $"then ridge regression per gene ({e.Genes} genes detected in at least 10% of spots) from frozen tile features, trained on {e.TrainSpots:N0} spots " +
                             $"and tested on {e.TestSpots:N0} spots of {e.HeldOutBlocks} held-out spatial blocks. Best-predicted genes: {string.Join(", ", p.BestGenes)}.")
                .Table(["representation", "mean Pearson r", "median r", "genes with r > 0.3"], representations.Select((r, i) =>
                    (IReadOnlyList<string>)[names[i].Replace("SimCLR encoder", "SimCLR tile encoder"), F(e.Scores[r].MeanR), F(e.Scores[r].MedianR),
                        e.Scores[r].GenesAbove03.ToString(CultureInfo.InvariantCulture)]))
                .Figure(Path.Combine(folder, "expression", "figures", "gene_r.png"), "Held-out Pearson r per gene: SimCLR tile features against PCA of the pixels.");
        }
        return result;
    }
}
