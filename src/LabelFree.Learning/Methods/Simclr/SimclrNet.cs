using LabelFree.Learning.Nn;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace LabelFree.Learning.Methods.Simclr;

/// <summary>SimCLR's network: the encoder f and the projection head g; <see cref="Project"/> gives z = g(f(x)).</summary>
public sealed class SimclrNet : Module
{
    private readonly Sequential _head;

    public SimclrNet(SimclrConfig config) : base(nameof(SimclrNet))
    {
        Encoder = config.Encoder.Build();
        var features = Encoder.FeatureSize;
        _head = Sequential(("fc1", Linear(features, features, hasBias: false)), ("bn1", BatchNorm1d(features)), ("relu", ReLU()),
            ("fc2", Linear(features, config.ProjectionDimension)));
        RegisterComponents();
    }

    public ImageEncoder Encoder { get; }

    /// <summary>(B, C, S, S) images -> (B, projection) embeddings for the contrastive loss.</summary>
    public Tensor Project(Tensor images) => _head.call(Encoder.call(images));
}
