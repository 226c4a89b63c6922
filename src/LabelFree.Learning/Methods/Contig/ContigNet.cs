using LabelFree.Learning.Nn;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace LabelFree.Learning.Methods.Contig;

/// <summary>The two towers: image encoder + projection head, and table MLP + projection head, into one embedding space.</summary>
public sealed class ContigNet : Module
{
    private readonly Sequential _imageHead;
    private readonly Sequential _table;
    private readonly Sequential _tableHead;

    public ContigNet(ContigConfig config) : base(nameof(ContigNet))
    {
        Encoder = config.Encoder.Build();
        var f = Encoder.FeatureSize;
        var h = config.TableHidden;
        _imageHead = Sequential(("fc1", Linear(f, f, hasBias: false)), ("bn1", BatchNorm1d(f)), ("relu", ReLU()), ("fc2", Linear(f, config.ProjectionDimension)));
        _table = Sequential(("fc1", Linear(config.TableFeatures, h)), ("bn1", BatchNorm1d(h)), ("relu1", ReLU()), ("fc2", Linear(h, h)), ("bn2", BatchNorm1d(h)), ("relu2", ReLU()));
        _tableHead = Sequential(("fc1", Linear(h, h, hasBias: false)), ("bn1", BatchNorm1d(h)), ("relu", ReLU()), ("fc2", Linear(h, config.ProjectionDimension)));
        RegisterComponents();
    }

    public ImageEncoder Encoder { get; }

    /// <summary>(B, C, S, S) -> (B, projection).</summary>
    public Tensor ProjectImages(Tensor images) => _imageHead.call(Encoder.call(images));

    /// <summary>(B, table features) -> (B, projection).</summary>
    public Tensor ProjectTable(Tensor rows) => _tableHead.call(_table.call(rows));
}
