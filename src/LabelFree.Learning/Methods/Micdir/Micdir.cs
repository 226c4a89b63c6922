using LabelFree.Core.Models;
using LabelFree.Core.Training;
using LabelFree.Learning.Objectives;
using LabelFree.Learning.Registration;
using static TorchSharp.torch;

namespace LabelFree.Learning.Methods.Micdir;

/// <summary>MICDIR: multi-scale, symmetric, graph-latent deformable registration without labels (<see cref="MicdirConfig"/>).</summary>
public sealed class Micdir : DeformableModel<MicdirConfig, MicdirNet>
{
    public const string MethodName = "micdir";

    private Micdir(MicdirConfig config, MicdirNet net, Device device) : base(config, net, device) { }

    public override string Method => MethodName;

    public override RegistrationGrid Grid => Config.Grid;

    public static Micdir Create(MicdirConfig config, long seed, Device device) =>
        new(config.Validate(), ModelFolder.NewNetwork(() => new MicdirNet(config), seed, device), device);

    public static Micdir Load(string folder, Device device)
    {
        var (config, net) = ModelFolder.Load(folder, MethodName, (MicdirConfig c) => c.Validate(), c => new MicdirNet(c), device);
        return new Micdir(config, net, device);
    }

    /// <summary>Symmetric: the loss of moving -> fixed plus that of fixed -> moving, through the same weights, halved.</summary>
    public override LossOutput Loss(RegistrationBatch batch, TrainingStep at)
    {
        var (forward, forwardTerms) = Direction(batch.Moving, batch.Fixed);
        var (backward, _) = Direction(batch.Fixed, batch.Moving);
        return new LossOutput(0.5 * (forward + backward), forwardTerms);
    }

    private (Tensor Total, Dictionary<string, Tensor> Terms) Direction(Tensor moving, Tensor fixedImage)
    {
        var output = Net.call(moving, fixedImage);
        var ncc = RegistrationLosses.Ncc(fixedImage, output.Full.Moved, Config.NccWindow);
        var smooth = RegistrationLosses.Gradient(output.Full.Velocity);
        var halfNcc = RegistrationLosses.Ncc(output.HalfFixed, output.Half.Moved, Config.NccWindow);
        var halfSmooth = RegistrationLosses.Gradient(output.Half.Velocity);
        var full = Config.NccWeight * ncc + Config.SmoothnessWeight * smooth + Config.GraphWeight * output.GraphLoss;
        var half = Config.HalfScaleWeight * (halfNcc + halfSmooth + output.GraphLoss);
        var terms = new Dictionary<string, Tensor> { ["ncc"] = ncc, ["smoothness"] = smooth, ["graph"] = output.GraphLoss, ["ncc_half"] = halfNcc };
        return (full + half, terms);
    }

    protected override DeformableOutput Forward(Tensor moving, Tensor fixedImage) => Net.call(moving, fixedImage).Full;

    /// <summary>Refinement optimises the full-scale loss: NCC weight * NCC + smoothness.</summary>
    protected override RefinementLoss Refinement =>
        new((a, b) => Config.NccWeight * RegistrationLosses.Ncc(a, b, Config.NccWindow), Config.SmoothnessWeight, Config.IntegrationSteps, Config.IntegrationDownsize);
}
