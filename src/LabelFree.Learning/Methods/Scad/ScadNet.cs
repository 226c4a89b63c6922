using LabelFree.Learning.Nn;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace LabelFree.Learning.Methods.Scad;

/// <summary>The teacher's and the student's features at three scales (finest first) and the per-slice scale weights (B, 3).</summary>
public sealed record ScadFeatures(IReadOnlyList<Tensor> Teacher, IReadOnlyList<Tensor> Student, Tensor ScaleWeights);

/// <summary>SCAD's network (<see cref="ScadConfig"/>): frozen ResNet-18 teacher, one-class bottleneck, reverse student decoder, scale weights.</summary>
public sealed class ScadNet : Module<Tensor, ScadFeatures>
{
    /// <summary>Inputs are zero-padded to multiples of this (the bottleneck's stride).</summary>
    public const int Multiple = 32;

    private readonly ResNet _teacher;
    private readonly Sequential _down1;
    private readonly Sequential _down2;
    private readonly Sequential _fuse;
    private readonly Sequential _decoder3;
    private readonly Sequential _decoder2;
    private readonly Sequential _decoder1;
    private readonly Linear _weights;

    public ScadNet(ScadConfig config) : base(nameof(ScadNet))
    {
        var w = config.Teacher.Width;
        _teacher = (ResNet)config.Teacher.Build();
        // OCBE: scale 1 (w, H/4) and scale 2 (2w, H/8) brought to scale 3 (4w, H/16), concatenated, fused to (8w, H/32).
        _down1 = Sequential(ConvBnRelu(w, 2 * w), ConvBnRelu(2 * w, 4 * w));
        _down2 = Sequential(ConvBnRelu(2 * w, 4 * w));
        _fuse = Sequential(("block0", new ResNet.BasicBlock(12 * w, 8 * w, 2)), ("block1", new ResNet.BasicBlock(8 * w, 8 * w, 1)));
        // The student mirrors the teacher: each stage doubles the resolution and halves the channels.
        _decoder3 = Sequential(("up", new UpBlock(8 * w, 4 * w)), ("block", new ResNet.BasicBlock(4 * w, 4 * w, 1)));
        _decoder2 = Sequential(("up", new UpBlock(4 * w, 2 * w)), ("block", new ResNet.BasicBlock(2 * w, 2 * w, 1)));
        _decoder1 = Sequential(("up", new UpBlock(2 * w, w)), ("block", new ResNet.BasicBlock(w, w, 1)));
        _weights = Linear(8 * w, 3);
        RegisterComponents();
        foreach (var p in _teacher.parameters()) p.requires_grad = false;
    }

    /// <summary>The frozen teacher, for copying pre-trained weights into.</summary>
    public ResNet Teacher => _teacher;

    /// <summary>(B, 1, H, W), H and W multiples of <see cref="Multiple"/> -> teacher and student features at H/4, H/8, H/16 and scale weights.</summary>
    public override ScadFeatures forward(Tensor images)
    {
        var teacher = TeacherFeatures(images);
        var bottleneck = _fuse.call(cat([_down1.call(teacher[0]), _down2.call(teacher[1]), teacher[2]], 1));   // (B, 8w, H/32, W/32)
        var s3 = _decoder3.call(bottleneck);   // (B, 4w, H/16, W/16)
        var s2 = _decoder2.call(s3);           // (B, 2w, H/8, W/8)
        var s1 = _decoder1.call(s2);           // (B, w, H/4, W/4)
        var pooled = functional.adaptive_max_pool2d(bottleneck, [1, 1]).flatten(1);   // (B, 8w)
        return new ScadFeatures(teacher, [s1, s2, s3], functional.softmax(_weights.call(pooled), 1));
    }

    /// <summary>The frozen teacher's first three stages (evaluation mode, no gradient).</summary>
    public IReadOnlyList<Tensor> TeacherFeatures(Tensor images)
    {
        _teacher.eval();
        using var noGrad = no_grad();
        return _teacher.StageOutputs(images).Take(3).ToList();
    }

    private static Sequential ConvBnRelu(int input, int output) =>
        Sequential(Conv2d(input, output, 3, stride: 2, padding: 1, bias: false), BatchNorm2d(output), ReLU());

    /// <summary>RD4AD's upsampling block: a 2x2 stride-2 transposed convolution, BN, ReLU, 3x3 convolution, BN, plus a transposed-convolution shortcut.</summary>
    private sealed class UpBlock : Module<Tensor, Tensor>
    {
        private readonly ConvTranspose2d _up;
        private readonly BatchNorm2d _bn1;
        private readonly Conv2d _conv;
        private readonly BatchNorm2d _bn2;
        private readonly Sequential _shortcut;

        public UpBlock(int input, int output) : base(nameof(UpBlock))
        {
            _up = ConvTranspose2d(input, output, 2, stride: 2, bias: false);
            _bn1 = BatchNorm2d(output);
            _conv = Conv2d(output, output, 3, padding: 1, bias: false);
            _bn2 = BatchNorm2d(output);
            _shortcut = Sequential(ConvTranspose2d(input, output, 2, stride: 2, bias: false), BatchNorm2d(output));
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            var y = functional.relu(_bn1.call(_up.call(x)));
            return functional.relu(_bn2.call(_conv.call(y)) + _shortcut.call(x));
        }
    }
}
