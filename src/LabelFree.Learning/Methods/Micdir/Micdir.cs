using LabelFree.Core.Training;
using LabelFree.Learning.Objectives;
using LabelFree.Learning.Registration;
using LabelFree.Learning.Methods.Deformable;
using static TorchSharp.torch;

namespace LabelFree.Learning.Methods.Micdir;

/// <summary>MICDIR: multi-scale, symmetric, graph-latent deformable registration without labels (<see cref="MicdirConfig"/>).</summary>
public sealed class Micdir : DeformableModel<Micdir, MicdirConfig, MicdirNet>, IMethodDefinition<Micdir, MicdirConfig, MicdirNet>
{
    private Micdir(MicdirConfig config, MicdirNet net, Device device) : base(config, net, device) { }

    public static string MethodName => "micdir";

    static MicdirNet IMethodDefinition<Micdir, MicdirConfig, MicdirNet>.BuildNetwork(MicdirConfig config) => new(config);

    static Micdir IMethodDefinition<Micdir, MicdirConfig, MicdirNet>.Wrap(MicdirConfig config, MicdirNet net, Device device) => new(config, net, device);

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
    public override RefinementLoss Refinement =>
        new((a, b) => Config.NccWeight * RegistrationLosses.Ncc(a, b, Config.NccWindow), Config.SmoothnessWeight, Config.IntegrationSteps, Config.IntegrationDownsize);
}
