using LabelFree.Core.Errors;
using LabelFree.Core.IO;
using LabelFree.Core.Progress;
using LabelFree.Core.Training;
using LabelFree.Learning.Methods;
using LabelFree.Learning.Methods.Dino;
using LabelFree.Learning.Methods.Simclr;
using LabelFree.Learning.Nn;
using LabelFree.Reports.Figures;
using LabelFree.Workflows.Runs;

namespace LabelFree.Workflows.Ssl;

public enum SslMethod
{
    Simclr,

    /// <summary>SimCLR whose positives may be two images with one group key (Azizi et al. 2021).</summary>
    Micle,

    Dino,
}

/// <summary>
/// What to pre-train: the images, the method, and the encoder (null: ResNet-18 for SimCLR and MICLe, ViT-Tiny for
/// DINO) at <paramref name="ImageSize"/> pixels; ResNet <paramref name="Width"/> (64 in the paper), ViT
/// <paramref name="Layers"/> (12 in the presets) and <paramref name="PatchSize"/>; DINO's prototypes
/// (<paramref name="OutDimension"/>, 65,536 in the paper) and local crops (8).
/// </summary>
public sealed record SslPretrainSettings(SslImageInput Images, SslMethod Method = SslMethod.Simclr, ImageEncoderKind? Encoder = null, int ImageSize = 32,
    int Width = 64, int? Layers = null, int PatchSize = 4, int OutDimension = 65_536, int LocalCrops = 8);

/// <summary>What a pre-training run records in config.json.</summary>
public sealed record SslPretrainRecord(SslPretrainSettings Settings, object Model, TrainerOptions Training, int Images);

/// <summary>What a pre-training run reports: training images per second counts each image once, however many views it gets.</summary>
public sealed record SslPretrainSummary(string Method, int Images, long Steps, double Seconds, double ImagesPerSecond, double FinalLoss, string Model);

/// <summary>
/// Self-supervised pre-training of an image encoder (SimCLR, MICLe or DINO), shared by <c>ssl pretrain</c> and the
/// demo: reads the images (MRI augmentations for NIfTI patches), trains with the method's paper settings, and writes
/// model/, metrics.jsonl, figures/loss.png and summary.json.
/// </summary>
public static class SslPretraining
{
    public const long DefaultSteps = 1000;

    /// <summary>The method's paper training for <paramref name="steps"/> steps (the command's defaults).</summary>
    public static TrainerOptions DefaultTraining(SslPretrainSettings settings, long steps, long seed, int? batchSize = null) => settings.Method switch
    {
        SslMethod.Dino => Dino.DefaultTraining(DinoConfig(settings, 1), steps, seed, batchSize ?? 64),
        _ => Simclr.DefaultTraining(steps, seed, batchSize ?? 128),
    };

    public static SslPretrainSummary Run(SslPretrainSettings settings, TrainerOptions training, RunSettings run, bool resume, IProgressReporter progress,
        string command = "ssl pretrain")
    {
        settings.Images.Check();
        training = training.Validate();
        progress.Info($"reading images from {string.Join(", ", settings.Images.Paths)}");
        var images = settings.Images.Read(run.Seed);
        var channels = images[0].Channels;
        if (images.Any(i => i.Channels != channels)) throw new UserInputException($"{images.First(i => i.Channels != channels).Id}: images mix grey and colour; give one kind");
        if (settings.Method == SslMethod.Micle && images.All(i => i.Group is null))
            throw new SettingException("method", "MICLe needs a group key: NIfTI patches (grouped by volume or position) or tiles of larger images");

        var device = run.StartTorch();
        using var model = Create(settings, channels, settings.Images.IsVolume, run.Seed, device);
        RunFolder.Start(run.Out, command, run.Seed, run.DeviceName, new SslPretrainRecord(settings, model.ConfigRecord, training, images.Count));
        progress.Info($"{settings.Method.ToString().ToLowerInvariant()}: {images.Count:N0} images of {images[0].Height}x{images[0].Width}, {channels} channel(s), encoder {EncoderOf(settings)}");
        var trainingRun = new TrainingRun(training, run.Out, progress, resume);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = model switch
        {
            Simclr s => s.Fit(images, trainingRun),
            Dino d => d.Fit(images, trainingRun),
            _ => throw new InvalidOperationException(),
        };
        var seconds = clock.Elapsed.TotalSeconds;
        var modelFolder = Path.Combine(run.Out, "model");
        model.Save(modelFolder, run.Seed, result.Steps);
        LossCurve.Save(run.Out, Path.Combine(run.Out, "figures", "loss.png"), $"{settings.Method.ToString().ToLowerInvariant()}: training loss");
        var stepsPerSecond = MetricsLog.Read(Path.Combine(run.Out, MetricsLog.FileName)).LastOrDefault(l => l.Phase == "train")?.StepsPerSecond ?? double.NaN;
        var summary = new SslPretrainSummary(model.Method + (settings.Method == SslMethod.Micle ? " (MICLe)" : ""), images.Count, result.Steps, seconds,
            stepsPerSecond * training.BatchSize, result.FinalLoss, modelFolder);
        Json.Write(Path.Combine(run.Out, "summary.json"), summary);
        return summary;
    }

    private static ImageEncoderKind EncoderOf(SslPretrainSettings s) => s.Encoder ?? (s.Method == SslMethod.Dino ? ImageEncoderKind.VitTiny : ImageEncoderKind.ResNet18);

    private static ImageEncoderConfig EncoderConfig(SslPretrainSettings s, int channels) => new ImageEncoderConfig
    {
        Kind = EncoderOf(s), Channels = channels, ImageSize = s.ImageSize, Width = s.Width, Layers = s.Layers, PatchSize = s.PatchSize,
    }.Validate();

    private static DinoConfig DinoConfig(SslPretrainSettings s, int channels, bool mri = false) => new DinoConfig
    {
        Encoder = EncoderConfig(s, channels), OutDimension = s.OutDimension, LocalCrops = s.LocalCrops, Mri = mri,
    }.Validate();

    private static IMethodModel Create(SslPretrainSettings s, int channels, bool mri, long seed, TorchSharp.torch.Device device) => s.Method switch
    {
        SslMethod.Dino => Dino.Create(DinoConfig(s, channels, mri), seed, device),
        _ => Simclr.Create(new SimclrConfig { Encoder = EncoderConfig(s, channels), Mri = mri, Micle = s.Method == SslMethod.Micle }, seed, device),
    };
}
