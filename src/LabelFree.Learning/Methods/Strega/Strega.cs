using LabelFree.Core.Models;
using LabelFree.Core.Progress;
using LabelFree.Core.Training;
using LabelFree.Data.Imaging;
using static TorchSharp.torch;

namespace LabelFree.Learning.Methods.Strega;

/// <summary>
/// StRegA: learns healthy brain anatomy from axial slices with a compact context-encoding VAE and marks as anomalous
/// what it cannot reconstruct (<see cref="StregaConfig"/> has the method and its deviations from the reference).
/// </summary>
public sealed class Strega : ITrainable<ContextEncodingBatch>, IDisposable
{
    public const string MethodName = "strega";

    private readonly CeVaeNet _net;
    private readonly Device _device;

    private Strega(StregaConfig config, CeVaeNet net, Device device)
    {
        Config = config;
        _net = net;
        _device = device;
    }

    public StregaConfig Config { get; }

    public nn.Module Network => _net;

    public static Strega Create(StregaConfig config, long seed, Device device) =>
        new(config.Validate(), ModelFolder.NewNetwork(() => new CeVaeNet(config), seed, device), device);

    public static Strega Load(string folder, Device device)
    {
        var (config, net) = ModelFolder.Load(folder, MethodName, (StregaConfig c) => c.Validate(), c => new CeVaeNet(c), device);
        return new Strega(config, net, device);
    }

    public void Save(string folder, long seed, long step) => ModelFolder.Save(folder, MethodName, Config, _net, seed, step);

    public LossOutput Loss(ContextEncodingBatch batch, TrainingStep at)
    {
        // VAE pass on the clean slices.
        var (mean, logStd) = _net.call(batch.Clean);                 // (B, z, 1, 1) each
        var reconstruction = _net.Decode(CeVaeNet.Sample(mean, logStd));
        var kl = KlToStandardNormal(mean, logStd);
        var l1 = (reconstruction - batch.Clean).abs().mean();
        var vae = Config.Beta * kl + Config.Theta * l1;

        // Context-encoding pass: reconstruct the clean slice from the one with noise squares.
        var (noisyMean, noisyLogStd) = _net.call(batch.Noisy);
        var fromNoisy = _net.Decode(CeVaeNet.Sample(noisyMean, noisyLogStd));
        var ce = (fromNoisy - batch.Clean).abs().mean();

        var total = (1 - Config.ContextFactor) * vae + Config.ContextFactor * ce;
        return new LossOutput(total, new Dictionary<string, Tensor> { ["kl"] = kl, ["l1"] = l1, ["ce_l1"] = ce });
    }

    /// <summary>KL(N(mean, std) || N(0, 1)), averaged over latent dimensions and the batch (the reference's mean form).</summary>
    public static Tensor KlToStandardNormal(Tensor mean, Tensor logStd) =>
        (0.5 * ((2 * logStd).exp() + mean.pow(2) - 1) - logStd).mean();

    public TrainingResult Fit(IBatchSource<Tensor> slices, IBatchSource<Tensor>? validation, TrainerOptions options,
        string? runFolder, IProgressReporter? progress = null, bool resume = false, CancellationToken cancel = default) =>
        new Trainer<ContextEncodingBatch>(this, options, runFolder, progress).Fit(
            new ContextEncodingBatches(slices, Config),
            validation is null ? null : new ContextEncodingBatches(validation, Config), resume, cancel);

    /// <summary>Deterministic reconstructions (decoded latent means) of slices given as Height*Width arrays.</summary>
    public float[][] Reconstruct(IReadOnlyList<float[]> slices, int batchSize = 32)
    {
        _net.eval();
        var plane = Config.Height * Config.Width;
        var result = new float[slices.Count][];
        for (var first = 0; first < slices.Count; first += batchSize)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var count = Math.Min(batchSize, slices.Count - first);
            var input = tensor(slices.Skip(first).Take(count).SelectMany(s => s).ToArray(), [count, 1, Config.Height, Config.Width]).to(_device);
            var (mean, _) = _net.call(input);
            var output = _net.Decode(mean).cpu().reshape(count, plane);  // (B, H*W)
            var values = output.data<float>().ToArray();
            for (var i = 0; i < count; i++) result[first + i] = values[(i * plane)..((i + 1) * plane)];
        }
        return result;
    }

    /// <summary>
    /// Reconstructs every axial slice of a prepared scan and post-processes the residual (on the working grid), as the
    /// model's config says unless <paramref name="postprocessing"/> is given.
    /// </summary>
    public (AnomalyMaps Maps, float[] Reconstruction) Detect(PreprocessedVolume volume, PostprocessingOptions? postprocessing = null)
    {
        var slices = Enumerable.Range(0, volume.SliceCount).Select(volume.Slice).ToList();
        var reconstruction = volume.FromSlices(Reconstruct(slices));
        var maps = AnomalyPostprocessing.Apply(volume.Image, reconstruction, volume.Mask, volume.Shape, volume.Options.Spacing, postprocessing ?? Config.Postprocessing);
        return (maps, reconstruction);
    }

    /// <summary>Prepares a scan as this model was trained (<see cref="StregaConfig.Preprocessing"/>).</summary>
    public PreprocessedVolume Prepare(NiftiImage scan, bool[] brainMask) => VolumePreprocessing.Run(scan, brainMask, Config.Preprocessing);

    public void Dispose() => _net.Dispose();
}
