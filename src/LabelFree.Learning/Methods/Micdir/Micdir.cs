using LabelFree.Core.Models;
using LabelFree.Core.Progress;
using LabelFree.Core.Training;
using LabelFree.Learning.Objectives;
using LabelFree.Learning.Registration;
using static TorchSharp.torch;

namespace LabelFree.Learning.Methods.Micdir;

/// <summary>MICDIR: multi-scale, symmetric, graph-latent deformable registration without labels (<see cref="MicdirConfig"/>).</summary>
public sealed class Micdir : IDeformableModel, ITrainable<RegistrationBatch>
{
    public const string MethodName = "micdir";

    private readonly MicdirNet _net;
    private readonly Device _device;

    private Micdir(MicdirConfig config, MicdirNet net, Device device)
    {
        Config = config;
        _net = net;
        _device = device;
    }

    public MicdirConfig Config { get; }

    public string Method => MethodName;

    public RegistrationGrid Grid => Config.Grid;

    public nn.Module Network => _net;

    public static Micdir Create(MicdirConfig config, long seed, Device device) =>
        new(config.Validate(), ModelFolder.NewNetwork(() => new MicdirNet(config), seed, device), device);

    public static Micdir Load(string folder, Device device)
    {
        var (config, net) = ModelFolder.Load(folder, MethodName, (MicdirConfig c) => c.Validate(), c => new MicdirNet(c), device);
        return new Micdir(config, net, device);
    }

    public void Save(string folder, long seed, long step) => ModelFolder.Save(folder, MethodName, Config, _net, seed, step);

    /// <summary>Symmetric: the loss of moving -> fixed plus that of fixed -> moving, through the same weights, halved.</summary>
    public LossOutput Loss(RegistrationBatch batch, TrainingStep at)
    {
        var (forward, forwardTerms) = Direction(batch.Moving, batch.Fixed);
        var (backward, _) = Direction(batch.Fixed, batch.Moving);
        return new LossOutput(0.5 * (forward + backward), forwardTerms);
    }

    private (Tensor Total, Dictionary<string, Tensor> Terms) Direction(Tensor moving, Tensor fixedImage)
    {
        var output = _net.call(moving, fixedImage);
        var ncc = RegistrationLosses.Ncc(fixedImage, output.Full.Moved, Config.NccWindow);
        var smooth = RegistrationLosses.Gradient(output.Full.Velocity);
        var halfNcc = RegistrationLosses.Ncc(output.HalfFixed, output.Half.Moved, Config.NccWindow);
        var halfSmooth = RegistrationLosses.Gradient(output.Half.Velocity);
        var full = Config.NccWeight * ncc + Config.SmoothnessWeight * smooth + Config.GraphWeight * output.GraphLoss;
        var half = Config.HalfScaleWeight * (halfNcc + halfSmooth + output.GraphLoss);
        var terms = new Dictionary<string, Tensor> { ["ncc"] = ncc, ["smoothness"] = smooth, ["graph"] = output.GraphLoss, ["ncc_half"] = halfNcc };
        return (full + half, terms);
    }

    public TrainingResult Fit(IBatchSource<RegistrationBatch> train, IBatchSource<RegistrationBatch>? validation, TrainerOptions options,
        string? runFolder, IProgressReporter? progress = null, bool resume = false, CancellationToken cancel = default) =>
        new Trainer<RegistrationBatch>(this, options, runFolder, progress).Fit(train, validation, resume, cancel);

    /// <summary>As <see cref="IDeformableModel.PredictFlow"/>; refinement optimises the full-scale loss (-NCC weight * NCC + smoothness).</summary>
    public float[] PredictFlow(float[] fixedImage, float[] moving, InstanceOptions? refine = null)
    {
        _net.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var size = Grid.TensorSize;
        var f = tensor(fixedImage, [1, 1, .. size]).to(_device);  // (1, 1, *S)
        var m = tensor(moving, [1, 1, .. size]).to(_device);
        var full = _net.call(m, f).Full;
        var flow = refine is not { Steps: > 0 } ? full.Flow
            : InstanceOptimisation.Refine(full.Velocity, f, m, (a, b) => Config.NccWeight * RegistrationLosses.Ncc(a, b, Config.NccWindow), Config.SmoothnessWeight,
                Config.IntegrationSteps, Config.IntegrationDownsize, refine);
        return FlowArrays.ToGridOrder(flow);
    }

    public void Dispose() => _net.Dispose();
}
