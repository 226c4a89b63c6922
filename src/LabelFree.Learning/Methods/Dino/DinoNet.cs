using LabelFree.Core.Training;
using LabelFree.Learning.Nn;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace LabelFree.Learning.Methods.Dino;

/// <summary>
/// DINO's projection head (DINOHead): Linear-GELU-Linear-GELU-Linear to the bottleneck, L2 normalisation, then the
/// weight-normalised last layer W = V / ||V|| (rows; the norm g fixed at 1) without bias: (B, features) -> (B, K).
/// Linear weights start as normal(0, 0.02), biases at zero; V as PyTorch's default Linear.
/// </summary>
public sealed class DinoHead : Module<Tensor, bool, Tensor>
{
    private readonly Sequential _mlp;
    private readonly Parameter _lastLayer;

    public DinoHead(int features, DinoConfig config) : base(nameof(DinoHead))
    {
        _mlp = Sequential(("fc1", Linear(features, config.HeadHidden)), ("act1", GELU()), ("fc2", Linear(config.HeadHidden, config.HeadHidden)), ("act2", GELU()),
            ("fc3", Linear(config.HeadHidden, config.Bottleneck)));
        using var template = Linear(config.Bottleneck, config.OutDimension, hasBias: false);
        _lastLayer = Parameter(template.weight!.detach().clone());   // (K, bottleneck)
        RegisterComponents();
        using var noGrad = no_grad();
        foreach (var linear in _mlp.modules().OfType<Linear>())
        {
            init.normal_(linear.weight, 0, 0.02);
            init.zeros_(linear.bias!);
        }
    }

    /// <summary>With <paramref name="freezeLastLayer"/>, the last layer takes no gradient (DINO's first epoch).</summary>
    public override Tensor forward(Tensor features, bool freezeLastLayer)
    {
        var x = functional.normalize(_mlp.call(features), dim: -1);                  // (B, bottleneck)
        var v = freezeLastLayer ? _lastLayer.detach() : _lastLayer;
        return x.matmul(functional.normalize(v, dim: 1).t());                        // (B, K)
    }
}

/// <summary>An encoder and its DINO head.</summary>
public sealed class DinoBranch : Module<Tensor, bool, Tensor>
{
    private readonly DinoHead _head;

    public DinoBranch(DinoConfig config) : base(nameof(DinoBranch))
    {
        Encoder = config.Encoder.Build();
        _head = new DinoHead(Encoder.FeatureSize, config);
        RegisterComponents();
    }

    public ImageEncoder Encoder { get; }

    public override Tensor forward(Tensor images, bool freezeLastLayer) => _head.call(Encoder.call(images), freezeLastLayer);
}

/// <summary>
/// DINO's two networks: the <see cref="Student"/> (optimised) and the <see cref="Teacher"/>, an exponential moving
/// average of the student (<see cref="Ema"/>), which starts as its copy, takes no gradient and gives the features
/// DINO evaluates. Both are saved with the model.
/// </summary>
public sealed class DinoNet : Module
{
    public DinoNet(DinoConfig config) : base(nameof(DinoNet))
    {
        Student = new DinoBranch(config);
        Teacher = new DinoBranch(config);
        RegisterComponents();
        Ema.CopyInto(Teacher, Student);
    }

    public DinoBranch Student { get; }

    public DinoBranch Teacher { get; }
}
