using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace LabelFree.Learning.Nn;

/// <summary>
/// ResNet-18 (He et al. 2016; torchvision's resnet18): a stem, four stages of two basic blocks (3x3 convolutions with
/// batch norm and an identity or 1x1 projection shortcut) at widths w, 2w, 4w, 8w, stages 2-4 halving the resolution,
/// then global average pooling: (B, C, H, W) -> (B, 8w). Convolutions start as Kaiming normal (fan out, ReLU), batch
/// norms at weight 1 and bias 0, as torchvision.
/// </summary>
public sealed class ResNet : ImageEncoder
{
    private readonly Sequential _stem;
    private readonly Sequential _stages;
    private readonly int _features;

    public ResNet(ImageEncoderConfig config) : base(nameof(ResNet))
    {
        var w = config.Width;
        _stem = config.SmallInputs
            ? Sequential(("conv", Conv2d(config.Channels, w, 3, stride: 1, padding: 1, bias: false)), ("bn", BatchNorm2d(w)), ("relu", ReLU()))
            : Sequential(("conv", Conv2d(config.Channels, w, 7, stride: 2, padding: 3, bias: false)), ("bn", BatchNorm2d(w)), ("relu", ReLU()),
                ("pool", MaxPool2d(3, stride: 2, padding: 1)));
        var blocks = new List<(string, Module<Tensor, Tensor>)>();
        var previous = w;
        int[] widths = [w, 2 * w, 4 * w, 8 * w];
        for (var stage = 0; stage < 4; stage++)
            for (var b = 0; b < 2; b++)
            {
                var stride = stage > 0 && b == 0 ? 2 : 1;
                blocks.Add(($"layer{stage + 1}_{b}", new BasicBlock(previous, widths[stage], stride)));
                previous = widths[stage];
            }
        _stages = Sequential(blocks);
        _features = previous;
        RegisterComponents();
        Initialize();
    }

    public override int FeatureSize => _features;

    public override Tensor forward(Tensor images)
    {
        var x = _stages.call(_stem.call(images));   // (B, 8w, h, w)
        return x.mean([2, 3]);                      // (B, 8w)
    }

    /// <summary>
    /// The output of each of the four stages, for multi-scale features (RD4AD's and SCAD's teacher): with the ImageNet
    /// stem (B, w, H/4, W/4), (B, 2w, H/8, W/8), (B, 4w, H/16, W/16), (B, 8w, H/32, W/32).
    /// </summary>
    public IReadOnlyList<Tensor> StageOutputs(Tensor images)
    {
        var x = _stem.call(images);
        var outputs = new List<Tensor>(4);
        var blocks = _stages.children().Cast<Module<Tensor, Tensor>>().ToList();
        for (var i = 0; i < blocks.Count; i++)
        {
            x = blocks[i].call(x);
            if (i % 2 == 1) outputs.Add(x);   // two blocks per stage
        }
        return outputs;
    }

    private void Initialize()
    {
        using var noGrad = no_grad();
        foreach (var module in modules())
        {
            switch (module)
            {
                case Conv2d conv:
                    init.kaiming_normal_(conv.weight, mode: init.FanInOut.FanOut, nonlinearity: init.NonlinearityType.ReLU);
                    break;
                case BatchNorm2d norm:
                    init.ones_(norm.weight);
                    init.zeros_(norm.bias);
                    break;
            }
        }
    }

    /// <summary>conv3x3-BN-ReLU-conv3x3-BN plus the shortcut, then ReLU.</summary>
    internal sealed class BasicBlock : Module<Tensor, Tensor>
    {
        private readonly Conv2d _conv1;
        private readonly BatchNorm2d _bn1;
        private readonly Conv2d _conv2;
        private readonly BatchNorm2d _bn2;
        private readonly Sequential? _shortcut;

        public BasicBlock(int inChannels, int outChannels, int stride) : base(nameof(BasicBlock))
        {
            _conv1 = Conv2d(inChannels, outChannels, 3, stride: stride, padding: 1, bias: false);
            _bn1 = BatchNorm2d(outChannels);
            _conv2 = Conv2d(outChannels, outChannels, 3, stride: 1, padding: 1, bias: false);
            _bn2 = BatchNorm2d(outChannels);
            _shortcut = stride != 1 || inChannels != outChannels
                ? Sequential(("conv", Conv2d(inChannels, outChannels, 1, stride: stride, bias: false)), ("bn", BatchNorm2d(outChannels)))
                : null;
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            var y = functional.relu(_bn1.call(_conv1.call(x)));
            y = _bn2.call(_conv2.call(y));
            return functional.relu(y + (_shortcut?.call(x) ?? x));
        }
    }
}
