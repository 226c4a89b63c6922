using System.Text.Json.Serialization;
using LabelFree.Core.Errors;
using static TorchSharp.torch;

namespace LabelFree.Learning.Nn;

/// <summary>The image encoders the self-supervised methods train.</summary>
public enum ImageEncoderKind
{
    /// <summary>ResNet-18 (He et al. 2016): <see cref="ResNet"/>.</summary>
    ResNet18,

    /// <summary>ViT-Tiny (DeiT-Ti: width 192, 12 layers, 3 heads): <see cref="VisionTransformer"/>.</summary>
    VitTiny,

    /// <summary>ViT-Small (width 384, 12 layers, 6 heads), DINO's ViT-S.</summary>
    VitSmall,
}

/// <summary>
/// An image encoder: images (B, channels, H, W) in [0, 1] to features (B, <see cref="FeatureSize"/>): the pooled
/// last stage of a ResNet, or a ViT's class token.
/// </summary>
public abstract class ImageEncoder(string name) : nn.Module<Tensor, Tensor>(name)
{
    public abstract int FeatureSize { get; }
}

/// <summary>
/// Which encoder, for images of <see cref="Channels"/> channels and side <see cref="ImageSize"/>.
/// ResNet: <see cref="Width"/> is the first stage's channels (64 in the paper; smaller for a CPU), and
/// <see cref="SmallInputs"/> swaps the ImageNet stem (7x7 stride-2 convolution and max-pool) for SimCLR's CIFAR stem
/// (one 3x3 stride-1 convolution), for images of 32-64 pixels. ViT: <see cref="PatchSize"/> pixels per patch and
/// optionally fewer <see cref="Layers"/> than the preset's 12 (for a CPU).
/// </summary>
public sealed record ImageEncoderConfig
{
    public ImageEncoderKind Kind { get; init; } = ImageEncoderKind.ResNet18;
    public int Channels { get; init; } = 3;
    public int ImageSize { get; init; } = 32;
    public int Width { get; init; } = 64;
    public bool SmallInputs { get; init; } = true;
    public int PatchSize { get; init; } = 4;
    public int? Layers { get; init; }

    [JsonIgnore]
    public bool IsVit => Kind != ImageEncoderKind.ResNet18;

    public ImageEncoderConfig Validate()
    {
        if (Channels is not (1 or 3)) throw new SettingException("channels", $"expected 1 (grey) or 3 (RGB), got {Channels}");
        if (ImageSize < 8) throw new SettingException("image_size", $"expected at least 8 pixels, got {ImageSize}");
        if (Width < 4) throw new SettingException("width", $"expected at least 4 channels, got {Width}");
        if (IsVit && (PatchSize < 1 || ImageSize % PatchSize != 0))
            throw new SettingException("patch_size", $"expected a divisor of the image size {ImageSize}, got {PatchSize}");
        if (Layers is < 1) throw new SettingException("layers", $"expected a positive number, got {Layers}");
        return this;
    }

    /// <summary>Features per image: 8 x width for ResNet-18, the ViT's width.</summary>
    [JsonIgnore]
    public int FeatureSize => Kind switch
    {
        ImageEncoderKind.ResNet18 => 8 * Width,
        _ => VisionTransformer.Preset(this).Hidden,
    };

    public ImageEncoder Build() => Kind == ImageEncoderKind.ResNet18 ? new ResNet(this) : new VisionTransformer(this);
}
