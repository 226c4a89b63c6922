using LabelFree.Core.Training;
using static TorchSharp.torch;

namespace LabelFree.Learning.Methods.ConvAutoencoder;

/// <summary>
/// A convolutional autoencoder for single-channel 2-D images (such as axial MRI slices in [0, 1]), trained to reproduce
/// its input through a narrow latent map. The demo's first pipeline: it proves the Trainer, model files and reports on
/// real data before the published methods arrive.
/// </summary>
public sealed class ConvAutoencoder : MethodModel<ConvAutoencoder, ConvAutoencoderConfig, ConvAutoencoderNet, Tensor>,
    IMethodDefinition<ConvAutoencoder, ConvAutoencoderConfig, ConvAutoencoderNet>
{
    private ConvAutoencoder(ConvAutoencoderConfig config, ConvAutoencoderNet net, Device device) : base(config, net, device) { }

    public static string MethodName => "conv-autoencoder";

    static ConvAutoencoderNet IMethodDefinition<ConvAutoencoder, ConvAutoencoderConfig, ConvAutoencoderNet>.BuildNetwork(ConvAutoencoderConfig config) => new(config);

    static ConvAutoencoder IMethodDefinition<ConvAutoencoder, ConvAutoencoderConfig, ConvAutoencoderNet>.Wrap(ConvAutoencoderConfig config, ConvAutoencoderNet net, Device device) =>
        new(config, net, device);

    /// <summary>
    /// The demo's training: AdamW 2e-3 (weight decay 1e-4), warm-up then cosine to 5% over <paramref name="steps"/>,
    /// batch 16, gradients clipped at 1.
    /// </summary>
    public static TrainerOptions DefaultTraining(long steps, long seed) => new()
    {
        Seed = seed,
        MaxSteps = steps,
        BatchSize = 16,
        Optimizer = OptimizerKind.AdamW,
        LearningRate = 2e-3,
        WeightDecay = 1e-4,
        Schedule = LearningRateSchedule.Cosine,
        WarmupSteps = Math.Min(50, steps / 10),
        MinLearningRateFraction = 0.05,
        GradientClipNorm = 1.0,
        ValidateEverySteps = 25,
        CheckpointEverySteps = 25,
        LogEverySteps = 5,
    };

    public override LossOutput Loss(Tensor batch, TrainingStep at)
    {
        var reconstruction = Net.call(batch);  // (B, 1, H, W)
        var loss = Config.Loss == ReconstructionLoss.L1
            ? nn.functional.l1_loss(reconstruction, batch)
            : nn.functional.mse_loss(reconstruction, batch);
        return new LossOutput(loss, new Dictionary<string, Tensor> { [Config.Loss.ToString().ToLowerInvariant()] = loss });
    }

    /// <summary>Trains on <paramref name="train"/> (batches of shape (B, 1, H, W)).</summary>
    public TrainingResult Fit(IBatchSource<Tensor> train, IBatchSource<Tensor>? validation, TrainingRun run) => Train(train, validation, run);

    /// <summary>Reconstructs images given as row-major Height*Width arrays.</summary>
    public float[][] Reconstruct(IReadOnlyList<float[]> images)
    {
        using var scope = NewDisposeScope();
        Net.eval();
        using var noGrad = no_grad();
        var plane = Config.Height * Config.Width;
        var input = tensor(images.SelectMany(i => i).ToArray(), [images.Count, 1, Config.Height, Config.Width]).to(Device);
        var output = Net.call(input).cpu().reshape(images.Count, plane);  // (B, H*W)
        return Enumerable.Range(0, images.Count).Select(i => output[i].data<float>().ToArray()).ToArray();
    }
}
