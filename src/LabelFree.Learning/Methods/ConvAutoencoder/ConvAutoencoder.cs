using LabelFree.Core.Models;
using LabelFree.Core.Progress;
using LabelFree.Core.Training;
using static TorchSharp.torch;

namespace LabelFree.Learning.Methods.ConvAutoencoder;

/// <summary>
/// A convolutional autoencoder for single-channel 2-D images (such as axial MRI slices in [0, 1]), trained to reproduce
/// its input through a narrow latent map. The demo's first pipeline: it proves the Trainer, model files and reports on
/// real data before the published methods arrive.
/// </summary>
public sealed class ConvAutoencoder : ITrainable<Tensor>, IDisposable
{
    public const string MethodName = "conv-autoencoder";

    private readonly ConvAutoencoderNet _net;
    private readonly Device _device;

    private ConvAutoencoder(ConvAutoencoderConfig config, ConvAutoencoderNet net, Device device)
    {
        Config = config;
        _net = net;
        _device = device;
    }

    public ConvAutoencoderConfig Config { get; }

    public nn.Module Network => _net;

    /// <summary>A new network with weights drawn from <paramref name="seed"/>.</summary>
    public static ConvAutoencoder Create(ConvAutoencoderConfig config, long seed, Device device) =>
        new(config.Validate(), ModelFolder.NewNetwork(() => new ConvAutoencoderNet(config), seed, device), device);

    /// <summary>Rebuilds a saved model from its folder (config.json + model.safetensors); no training code needed.</summary>
    public static ConvAutoencoder Load(string folder, Device device)
    {
        var (config, net) = ModelFolder.Load(folder, MethodName, (ConvAutoencoderConfig c) => c.Validate(), c => new ConvAutoencoderNet(c), device);
        return new ConvAutoencoder(config, net, device);
    }

    public void Save(string folder, long seed, long step) => ModelFolder.Save(folder, MethodName, Config, _net, seed, step);

    public LossOutput Loss(Tensor batch, TrainingStep at)
    {
        var reconstruction = _net.call(batch);  // (B, 1, H, W)
        var loss = Config.Loss == ReconstructionLoss.L1
            ? nn.functional.l1_loss(reconstruction, batch)
            : nn.functional.mse_loss(reconstruction, batch);
        return new LossOutput(loss, new Dictionary<string, Tensor> { [Config.Loss.ToString().ToLowerInvariant()] = loss });
    }

    /// <summary>Trains on <paramref name="train"/> (batches of shape (B, 1, H, W)) with the shared Trainer.</summary>
    public TrainingResult Fit(IBatchSource<Tensor> train, IBatchSource<Tensor>? validation, TrainerOptions options,
        string? runFolder, IProgressReporter? progress = null, bool resume = false, CancellationToken cancel = default) =>
        new Trainer<Tensor>(this, options, runFolder, progress).Fit(train, validation, resume, cancel);

    /// <summary>Reconstructs images given as row-major Height*Width arrays.</summary>
    public float[][] Reconstruct(IReadOnlyList<float[]> images)
    {
        using var scope = NewDisposeScope();
        _net.eval();
        using var noGrad = no_grad();
        var plane = Config.Height * Config.Width;
        var input = tensor(images.SelectMany(i => i).ToArray(), [images.Count, 1, Config.Height, Config.Width]).to(_device);
        var output = _net.call(input).cpu().reshape(images.Count, plane);  // (B, H*W)
        return Enumerable.Range(0, images.Count).Select(i => output[i].data<float>().ToArray()).ToArray();
    }

    public void Dispose() => _net.Dispose();
}
