using LabelFree.Core.Training;
using LabelFree.Data.Tiles;
using LabelFree.Learning.Methods.ImageSsl;
using LabelFree.Learning.Objectives;
using static TorchSharp.torch;

namespace LabelFree.Learning.Methods.Simclr;

/// <summary>
/// SimCLR and MICLe: contrastive pre-training of an image encoder on two views of each image
/// (<see cref="SimclrConfig"/>); <see cref="Embed"/> gives the encoder's frozen features (before the projection head,
/// as the paper evaluates them).
/// </summary>
public sealed class Simclr : MethodModel<Simclr, SimclrConfig, SimclrNet, ViewPairBatch>, IMethodDefinition<Simclr, SimclrConfig, SimclrNet>,
    IImageEncoderModel
{
    private Simclr(SimclrConfig config, SimclrNet net, Device device) : base(config, net, device) { }

    public static string MethodName => "simclr";

    public Nn.ImageEncoderConfig EncoderConfig => Config.Encoder;

    static SimclrNet IMethodDefinition<Simclr, SimclrConfig, SimclrNet>.BuildNetwork(SimclrConfig config) => new(config);

    static Simclr IMethodDefinition<Simclr, SimclrConfig, SimclrNet>.Wrap(SimclrConfig config, SimclrNet net, Device device) => new(config, net, device);

    public override LossOutput Loss(ViewPairBatch batch, TrainingStep at)
    {
        var n = batch.First.shape[0];
        var z = Net.Project(cat([batch.First, batch.Second], 0));   // (2B, projection): both views in one pass, so batch norm sees all 2B
        return new LossOutput(ContrastiveLosses.NtXent(z.narrow(0, 0, n), z.narrow(0, n, n), Config.Temperature));
    }

    /// <summary>LARS (and SimCLR) leave biases and batch-norm parameters without weight decay or trust-ratio adaptation.</summary>
    public override IReadOnlyList<ParameterGroup> ParameterGroups() => ParameterGroup.SplitByDecay(Net);

    /// <summary>
    /// SimCLR's training (appendix B.1): LARS, momentum 0.9, trust coefficient 0.001, weight decay 1e-6, the learning
    /// rate scaled as 0.075 x sqrt(batch) (the paper's choice for small batches), linear warm-up over the first 10% of
    /// the steps (10 of 100 epochs), then cosine decay to zero.
    /// </summary>
    public static TrainerOptions DefaultTraining(long steps, long seed, int batchSize = 128) => new()
    {
        Seed = seed,
        MaxSteps = steps,
        BatchSize = batchSize,
        Optimizer = OptimizerKind.Lars,
        LearningRate = 0.075 * Math.Sqrt(batchSize),
        Momentum = 0.9,
        WeightDecay = 1e-6,
        LarsTrustCoefficient = 0.001,
        Schedule = LearningRateSchedule.Cosine,
        WarmupSteps = Math.Max(1, steps / 10),
        RestoreBestWeights = false,
        LogEverySteps = 10,
    };

    /// <summary>The views the model trains on: SimCLR's (or its MRI variant's) at the encoder's input side.</summary>
    public ViewAugmentation Augmentation => Config.Mri ? ViewAugmentation.SimclrMri(Config.Encoder.ImageSize) : ViewAugmentation.Simclr(Config.Encoder.ImageSize);

    /// <summary>
    /// Pre-trains on <paramref name="images"/> (MICLe pairs by group key when the config says so) for the run's steps, each
    /// batch drawn with replacement: every step has a full batch of negatives (the reference drops the remainder batch).
    /// </summary>
    public TrainingResult Fit(IReadOnlyList<TileImage> images, TrainingRun run)
    {
        ImageTensors.RequireChannels(images, Config.Encoder.Channels);
        return Train(new ViewPairs(images, Augmentation, Device, Config.Micle).AsStream(), null, run);
    }

    /// <summary>The encoder's features of each image (its central square at the encoder's input side): (images, features).</summary>
    public float[,] Embed(IReadOnlyList<TileImage> images)
    {
        ImageTensors.RequireChannels(images, Config.Encoder.Channels);
        return ImageFeatures.Of(Net.Encoder, images, Config.Encoder.ImageSize, Device);
    }
}
