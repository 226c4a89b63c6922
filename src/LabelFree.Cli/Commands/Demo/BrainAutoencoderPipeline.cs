using System.Globalization;
using LabelFree.Analysis.Metrics;
using LabelFree.Core.IO;
using LabelFree.Core.Progress;
using LabelFree.Core.Training;
using LabelFree.Data.Imaging;
using LabelFree.Learning.Methods.ConvAutoencoder;
using LabelFree.Reports.Figures;
using LabelFree.Reports.Html;
using LabelFree.Workflows.Runs;
using static TorchSharp.torch;

namespace LabelFree.Cli.Commands.Demo;

/// <summary>What the brain-autoencoder pipeline measured.</summary>
public sealed record BrainAutoencoderResult(long Steps, double ValidationMse, double MeanPsnr, double MeanSsim, int TrainSlices, int ValidationSlices);

/// <summary>Settings of the brain-autoencoder pipeline, written to the run's config.json.</summary>
public sealed record BrainAutoencoderSettings(
    string Volume,
    PreprocessingOptions Slices,
    int ValidationEvery,
    ConvAutoencoderConfig Model,
    TrainerOptions Training);

/// <summary>
/// The demo's first pipeline: a convolutional autoencoder trained through the Trainer on axial slices of the bundled
/// real brain MRI (Colin27, skull-stripped), with every fifth slice held out; reports the loss curve, reconstructions of
/// held-out slices, and their MSE, PSNR and SSIM.
/// </summary>
public static class BrainAutoencoderPipeline
{
    public static BrainAutoencoderResult Run(DemoSettings demo, Device device, HtmlReport report, IProgressReporter progress)
    {
        var settings = Configure(demo);
        RunFolder.Start(demo.Out, "demo", demo.Seed, demo.In(demo.Out).DeviceName, settings);

        var scan = NiftiReader.Read(settings.Volume);
        var volume = VolumePreprocessing.Run(scan, BrainMask.FromSkullStripped(scan, settings.Volume), settings.Slices);
        var brainSlices = volume.BrainSlices().ToList();
        var validationIndex = Enumerable.Range(0, brainSlices.Count).Where(i => i % settings.ValidationEvery == settings.ValidationEvery / 2).ToList();
        var trainSlices = Enumerable.Range(0, brainSlices.Count).Except(validationIndex).Select(i => volume.Slice(brainSlices[i])).ToList();
        var validationSlices = validationIndex.Select(i => volume.Slice(brainSlices[i])).ToList();
        int height = settings.Slices.Height, width = settings.Slices.Width;
        progress.Info($"brain autoencoder: {trainSlices.Count} training and {validationSlices.Count} held-out axial slices of {Path.GetFileName(settings.Volume)} ({height}x{width})");

        using var model = ConvAutoencoder.Create(settings.Model, demo.Seed, device);
        var train = new SliceDataset(trainSlices, height, width, device, flip: true);
        var validation = new SliceDataset(validationSlices, height, width, device);
        var trained = model.Fit(train, validation, new TrainingRun(settings.Training, demo.Out, progress, demo.Resume));
        model.Save(Path.Combine(demo.Out, "model"), demo.Seed, trained.Steps);

        var reconstructions = model.Reconstruct(validationSlices);
        var quality = validationSlices.Select((original, i) => (
            Slice: brainSlices[validationIndex[i]],
            Mse: ImageMetrics.MeanSquaredError(original, reconstructions[i]),
            Psnr: ImageMetrics.Psnr(original, reconstructions[i]),
            Ssim: ImageMetrics.Ssim(original, reconstructions[i], height, width))).ToList();
        WriteQualityTable(Path.Combine(demo.Out, "reconstruction_metrics.tsv"), quality);
        var result = new BrainAutoencoderResult(trained.Steps, quality.Average(q => q.Mse), quality.Average(q => q.Psnr), quality.Average(q => q.Ssim),
            trainSlices.Count, validationSlices.Count);
        Json.Write(Path.Combine(demo.Out, "summary.json"), result);

        var figures = Path.Combine(demo.Out, "figures");
        var curve = Path.Combine(figures, "loss_curve.png");
        LossCurve.Save(demo.Out, curve, "Brain autoencoder: loss", "MSE", "held-out", logY: true);
        var grid = Path.Combine(figures, "reconstructions.png");
        PlotReconstructions(grid, validationSlices, reconstructions, height, width);

        report.Section("Brain MRI autoencoder (Trainer end to end)")
            .Paragraph($"A convolutional autoencoder (channels {string.Join("/", settings.Model.Channels)}, latent {settings.Model.LatentChannels} maps of " +
                       $"{settings.Model.Height >> settings.Model.Channels.Length}x{settings.Model.Width >> settings.Model.Channels.Length}) learned to reproduce axial slices of " +
                       $"the Colin27 brain at {settings.Slices.Spacing} mm, with no labels. {result.TrainSlices} slices trained it; every {settings.ValidationEvery}th slice " +
                       $"({result.ValidationSlices}) was held out and is shown below.")
            .Table(["steps", "held-out MSE", "PSNR (dB)", "SSIM", "seed"],
                [[result.Steps.ToString(CultureInfo.InvariantCulture), result.ValidationMse.ToString("G4", CultureInfo.InvariantCulture),
                  result.MeanPsnr.ToString("F2", CultureInfo.InvariantCulture), result.MeanSsim.ToString("F3", CultureInfo.InvariantCulture),
                  demo.Seed.ToString(CultureInfo.InvariantCulture)]])
            .Figure(curve, "Training loss (mean per logging window) and held-out validation loss.")
            .Figure(grid, "Held-out slices: input (top), reconstruction (middle), absolute residual x4 (bottom).");
        return result;
    }

    private static BrainAutoencoderSettings Configure(DemoSettings demo)
    {
        var steps = demo.Steps ?? (demo.Quick ? 200 : 2000);
        var training = ConvAutoencoder.DefaultTraining(steps, demo.Seed);
        return new BrainAutoencoderSettings(DataFolder.File("imaging/ch2bet.nii.gz"), new PreprocessingOptions(MinBrainFraction: 0.15), 5, new ConvAutoencoderConfig(), training);
    }

    private static void WriteQualityTable(string path, IEnumerable<(int Slice, double Mse, double Psnr, double Ssim)> rows)
    {
        var lines = rows.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Slice}\t{r.Mse:G6}\t{r.Psnr:F3}\t{r.Ssim:F4}"));
        AtomicFile.WriteAllText(path, "slice_z\tmse\tpsnr_db\tssim\n" + string.Join('\n', lines) + "\n");
    }

    private static void PlotReconstructions(string path, List<float[]> originals, float[][] reconstructions, int height, int width)
    {
        var shown = Enumerable.Range(0, originals.Count).Where(i => i % Math.Max(1, originals.Count / 6) == 0).Take(6).ToList();
        GrayImage Gray(float[] pixels) => new(pixels, height, width);
        var residuals = shown.Select(i => originals[i].Zip(reconstructions[i], (a, b) => Math.Abs(a - b) * 4).ToArray()).ToList();
        ImageGrid.SavePng(path,
        [
            ("input", shown.Select(i => Gray(originals[i])).ToList()),
            ("reconstruction", shown.Select(i => Gray(reconstructions[i])).ToList()),
            ("|residual| x4", residuals.Select(Gray).ToList()),
        ]);
    }
}
