using LabelFree.Core.Models;
using LabelFree.Core.Progress;
using LabelFree.Core.Training;
using LabelFree.Learning.Objectives;
using LabelFree.Learning.Registration;
using static TorchSharp.torch;

namespace LabelFree.Learning.Methods.VoxelMorph;

/// <summary>VoxelMorph: learns to register brain pairs from image similarity and smoothness alone (<see cref="VoxelMorphConfig"/>).</summary>
public sealed class VoxelMorph : IDeformableModel, ITrainable<RegistrationBatch>
{
    public const string MethodName = "voxelmorph";

    private readonly VoxelMorphNet _net;
    private readonly Device _device;

    private VoxelMorph(VoxelMorphConfig config, VoxelMorphNet net, Device device)
    {
        Config = config;
        _net = net;
        _device = device;
    }

    public VoxelMorphConfig Config { get; }

    public string Method => MethodName;

    public RegistrationGrid Grid => Config.Grid;

    public nn.Module Network => _net;

    public static VoxelMorph Create(VoxelMorphConfig config, long seed, Device device) =>
        new(config.Validate(), ModelFolder.NewNetwork(() => new VoxelMorphNet(config), seed, device), device);

    public static VoxelMorph Load(string folder, Device device)
    {
        var (config, net) = ModelFolder.Load(folder, MethodName, (VoxelMorphConfig c) => c.Validate(), c => new VoxelMorphNet(c), device);
        return new VoxelMorph(config, net, device);
    }

    public void Save(string folder, long seed, long step) => ModelFolder.Save(folder, MethodName, Config, _net, seed, step);

    public LossOutput Loss(RegistrationBatch batch, TrainingStep at)
    {
        var output = _net.call(batch.Moving, batch.Fixed);
        var similarity = Similarity(batch.Fixed, output.Moved);
        var smooth = RegistrationLosses.Gradient(output.Velocity);
        var terms = new Dictionary<string, Tensor> { ["similarity"] = similarity, ["smoothness"] = smooth };
        if (Config.Bidirectional)
        {
            var backward = Similarity(batch.Moving, SpatialTransformer.Warp(batch.Fixed, _net.InverseFlow(output.Velocity)));
            terms["similarity_inverse"] = backward;
            similarity = 0.5 * similarity + 0.5 * backward;
        }
        return new LossOutput(similarity + Config.SmoothnessWeight * smooth, terms);
    }

    private Tensor Similarity(Tensor target, Tensor moved) => Config.Similarity == SimilarityKind.Ncc
        ? RegistrationLosses.Ncc(target, moved, Config.NccWindow)
        : RegistrationLosses.Mse(target, moved);

    public TrainingResult Fit(IBatchSource<RegistrationBatch> train, IBatchSource<RegistrationBatch>? validation, TrainerOptions options,
        string? runFolder, IProgressReporter? progress = null, bool resume = false, CancellationToken cancel = default) =>
        new Trainer<RegistrationBatch>(this, options, runFolder, progress).Fit(train, validation, resume, cancel);

    public float[] PredictFlow(float[] fixedImage, float[] moving, InstanceOptions? refine = null)
    {
        _net.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var size = Grid.TensorSize;
        var f = tensor(fixedImage, [1, 1, .. size]).to(_device);  // (1, 1, *S)
        var m = tensor(moving, [1, 1, .. size]).to(_device);
        var output = _net.call(m, f);                               // flow (1, D, *S), tensor axis order
        var flow = refine is not { Steps: > 0 } ? output.Flow
            : InstanceOptimisation.Refine(output.Velocity, f, m, Similarity, Config.SmoothnessWeight, Config.IntegrationSteps, Config.IntegrationDownsize, refine);
        return FlowArrays.ToGridOrder(flow);
    }

    public void Dispose() => _net.Dispose();
}
