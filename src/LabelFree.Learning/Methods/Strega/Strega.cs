using LabelFree.Core.Training;
using LabelFree.Data.Imaging;
using LabelFree.Learning.Objectives;
using static TorchSharp.torch;

namespace LabelFree.Learning.Methods.Strega;

/// <summary>
/// StRegA: learns healthy brain anatomy from axial slices with a compact context-encoding VAE and marks as anomalous
/// what it cannot reconstruct (<see cref="StregaConfig"/> has the method and its deviations from the reference).
/// </summary>
public sealed class Strega : MethodModel<Strega, StregaConfig, CeVaeNet, ContextEncodingBatch>, IMethodDefinition<Strega, StregaConfig, CeVaeNet>
{
    /// <summary>
    /// Adam's learning rate by default (the reference's is 1e-4): in the same 700 steps 5e-4 gave a higher held-out Dice
    /// (Colin27 copies 0.105 -> 0.212, ITK head 0.240 -> 0.299, intensity input; bench/RESULTS.md).
    /// </summary>
    public const double DefaultLearningRate = 5e-4;

    /// <summary>Passes over the training slices by default: 840 steps on Colin27 and 7 deformed copies, about 12 minutes on 2 CPU cores.</summary>
    public const int DefaultEpochs = 30;

    private Strega(StregaConfig config, CeVaeNet net, Device device) : base(config, net, device) { }

    public static string MethodName => "strega";

    static CeVaeNet IMethodDefinition<Strega, StregaConfig, CeVaeNet>.BuildNetwork(StregaConfig config) => new(config);

    static Strega IMethodDefinition<Strega, StregaConfig, CeVaeNet>.Wrap(StregaConfig config, CeVaeNet net, Device device) => new(config, net, device);

    /// <summary>StRegA's training as LabelFree runs it: Adam at <see cref="DefaultLearningRate"/>, batch 16, <see cref="DefaultEpochs"/> epochs, validation every 50 steps.</summary>
    public static TrainerOptions DefaultTraining(long seed) => new()
    {
        Seed = seed,
        Epochs = DefaultEpochs,
        BatchSize = 16,
        LearningRate = DefaultLearningRate,
        ValidateEverySteps = 50,
        CheckpointEverySteps = 100,
        LogEverySteps = 10,
    };

    public override LossOutput Loss(ContextEncodingBatch batch, TrainingStep at)
    {
        // VAE pass on the clean slices.
        var (mean, logStd) = Net.call(batch.Clean);                  // (B, z, 1, 1) each
        var reconstruction = Net.Decode(CeVaeNet.Sample(mean, logStd));
        var kl = GaussianKl.FromLogStd(mean, logStd).mean();         // averaged over latent dimensions and the batch (the reference's mean form)
        var l1 = (reconstruction - batch.Clean).abs().mean();
        var vae = Config.Beta * kl + Config.Theta * l1;

        // Context-encoding pass: reconstruct the clean slice from the one with noise squares.
        var (noisyMean, noisyLogStd) = Net.call(batch.Noisy);
        var fromNoisy = Net.Decode(CeVaeNet.Sample(noisyMean, noisyLogStd));
        var ce = (fromNoisy - batch.Clean).abs().mean();

        var total = (1 - Config.ContextFactor) * vae + Config.ContextFactor * ce;
        return new LossOutput(total, new Dictionary<string, Tensor> { ["kl"] = kl, ["l1"] = l1, ["ce_l1"] = ce });
    }

    /// <summary>Trains on slices (batches (B, 1, H, W)), adding the context-encoding corruption to each batch.</summary>
    public TrainingResult Fit(IBatchSource<Tensor> slices, IBatchSource<Tensor>? validation, TrainingRun run) =>
        Train(new ContextEncodingBatches(slices, Config), validation is null ? null : new ContextEncodingBatches(validation, Config), run);

    /// <summary>Deterministic reconstructions (decoded latent means) of slices given as Height*Width arrays.</summary>
    public float[][] Reconstruct(IReadOnlyList<float[]> slices, int batchSize = 32)
    {
        Net.eval();
        var plane = Config.Height * Config.Width;
        var result = new float[slices.Count][];
        for (var first = 0; first < slices.Count; first += batchSize)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var count = Math.Min(batchSize, slices.Count - first);
            var input = tensor(slices.Skip(first).Take(count).SelectMany(s => s).ToArray(), [count, 1, Config.Height, Config.Width]).to(Device);
            var (mean, _) = Net.call(input);
            var output = Net.Decode(mean).cpu().reshape(count, plane);  // (B, H*W)
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
}
