using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace LabelFree.Learning.Nn;

/// <summary>
/// A Vision Transformer (Dosovitskiy et al. 2021) as DINO's vision_transformer.py builds it: non-overlapping patches
/// embedded by a strided convolution, a learned class token, learned position embeddings over the class token and
/// the patch grid (bicubically resized for another grid, so DINO's smaller local crops work), then the shared
/// <see cref="TransformerEncoder"/> (pre-norm blocks, GELU MLP of 4x width, final LayerNorm, eps 1e-6, no dropout):
/// (B, C, H, W) -> the class token's output (B, width). Class token and positions start as normal(0, 0.02), as the
/// encoder's linear weights (DINO: truncated normal).
/// </summary>
public sealed class VisionTransformer : ImageEncoder
{
    private readonly Conv2d _patches;
    private readonly Parameter _classToken;
    private readonly Parameter _positions;
    private readonly TransformerEncoder _encoder;
    private readonly int _grid;

    public VisionTransformer(ImageEncoderConfig config) : base(nameof(VisionTransformer))
    {
        var transformer = Preset(config);
        _grid = config.ImageSize / config.PatchSize;
        _patches = Conv2d(config.Channels, transformer.Hidden, config.PatchSize, stride: config.PatchSize);
        _classToken = Parameter(zeros(1, 1, transformer.Hidden));
        _positions = Parameter(zeros(1, 1 + _grid * _grid, transformer.Hidden));
        _encoder = new TransformerEncoder(transformer);
        RegisterComponents();
        using var noGrad = no_grad();
        init.normal_(_classToken, 0, 0.02);
        init.normal_(_positions, 0, 0.02);
    }

    /// <summary>The transformer of a ViT preset (tiny: 192 wide, 3 heads; small: 384, 6 heads; 12 layers unless the config says fewer).</summary>
    public static TransformerConfig Preset(ImageEncoderConfig config)
    {
        var (hidden, heads) = config.Kind == ImageEncoderKind.VitSmall ? (384, 6) : (192, 3);
        return new TransformerConfig
        {
            VocabularySize = 0,
            Layers = config.Layers ?? 12,
            Hidden = hidden,
            Heads = heads,
            Intermediate = 4 * hidden,
            MaxPositions = 1,
            Norm = NormPlacement.Pre,
            FeedForward = FeedForwardKind.Gelu,
            Positions = PositionEncoding.None,
            Dropout = 0,
            AttentionDropout = 0,
            LayerNormEps = 1e-6,
        }.Validate();
    }

    public override int FeatureSize => (int)_classToken.shape[2];

    public override Tensor forward(Tensor images)
    {
        var x = _patches.call(images);                          // (B, D, h, w)
        var (h, w) = (x.shape[2], x.shape[3]);
        x = x.flatten(2).transpose(1, 2);                       // (B, h w, D)
        var cls = _classToken.expand(x.shape[0], -1, -1);       // (B, 1, D)
        x = cat([cls, x], 1) + PositionsFor(h, w);              // (B, 1 + h w, D)
        return _encoder.call(new TransformerInput(InputEmbeddings: x)).Hidden.select(1, 0);  // (B, D)
    }

    /// <summary>The position table for an h x w patch grid: the learned one, or it bicubically resized (DINO's interpolate_pos_encoding).</summary>
    private Tensor PositionsFor(long h, long w)
    {
        if (h == _grid && w == _grid) return _positions;
        var dim = _positions.shape[2];
        var patch = _positions.narrow(1, 1, _grid * _grid).reshape(1, _grid, _grid, dim).permute(0, 3, 1, 2);   // (1, D, g, g)
        var resized = functional.interpolate(patch, size: [h, w], mode: InterpolationMode.Bicubic, align_corners: false);  // (1, D, h, w)
        return cat([_positions.narrow(1, 0, 1), resized.permute(0, 2, 3, 1).reshape(1, h * w, dim)], 1);             // (1, 1 + h w, D)
    }
}
