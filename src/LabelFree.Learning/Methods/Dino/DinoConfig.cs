using System.Text.Json.Serialization;
using LabelFree.Core.Errors;
using LabelFree.Learning.Nn;

namespace LabelFree.Learning.Methods.Dino;

/// <summary>
/// DINO (Caron et al. 2021; facebookresearch/dino main_dino.py): a student and an EMA teacher, each a ViT (or
/// ResNet) and a projection head of 3 layers (Linear-GELU-Linear-GELU-Linear to a <see cref="Bottleneck"/> of 256,
/// hidden 2048, L2 normalisation, then a weight-normalised Linear without bias to <see cref="OutDimension"/> = 65,536
/// prototypes whose norm is fixed at 1, norm_last_layer). The student (temperature 0.1) on 2 global and
/// <see cref="LocalCrops"/> = 8 local crops matches the teacher's centred and sharpened distribution (temperature
/// 0.04, warmed up from <see cref="WarmupTeacherTemperature"/> over the first 30% of training) on the other global
/// crop; the centre is an EMA (momentum 0.9) of the teacher's outputs. Local crops are 96/224 of the global side
/// (rounded to whole patches). The last layer is frozen for the first 1% of the steps (the reference's first epoch
/// of 100).
/// Deviations: for a CPU the encoder may be shallower (<see cref="ImageEncoderConfig.Layers"/>), the images smaller
/// (32 rather than 224 pixels) and the prototypes fewer (<see cref="OutDimension"/>); gradient clipping (3.0) acts
/// on the global gradient norm, the reference on each parameter's; the last layer is frozen by taking no gradient
/// (AdamW's decoupled weight decay still shrinks it, which its fixed norm cancels); images are not normalised by the
/// ImageNet mean and variance.
/// </summary>
public sealed record DinoConfig : IMethodConfig<DinoConfig>
{
    public ImageEncoderConfig Encoder { get; init; } = new() { Kind = ImageEncoderKind.VitTiny };
    public int OutDimension { get; init; } = 65_536;
    public int HeadHidden { get; init; } = 2048;
    public int Bottleneck { get; init; } = 256;
    public double StudentTemperature { get; init; } = 0.1;
    public double TeacherTemperature { get; init; } = 0.04;
    public double WarmupTeacherTemperature { get; init; } = 0.04;
    public double TeacherTemperatureWarmupFraction { get; init; } = 0.3;
    public double CentreMomentum { get; init; } = 0.9;
    public double TeacherMomentum { get; init; } = 0.996;
    public int LocalCrops { get; init; } = 8;
    public double FreezeLastLayerFraction { get; init; } = 0.01;
    public bool Mri { get; init; }

    /// <summary>The local crops' side: 96/224 of the global side, rounded to whole patches for a ViT, at least one patch.</summary>
    [JsonIgnore]
    public int LocalCropSize
    {
        get
        {
            var side = Encoder.ImageSize * 96.0 / 224;
            var unit = Encoder.IsVit ? Encoder.PatchSize : 1;
            return Math.Max(unit, (int)Math.Round(side / unit) * unit);
        }
    }

    public DinoConfig Validate()
    {
        Encoder.Validate();
        if (OutDimension < 2) throw new SettingException("out_dimension", $"expected at least 2, got {OutDimension}");
        if (HeadHidden < 1 || Bottleneck < 1) throw new SettingException("head_hidden", $"expected positive head widths, got {HeadHidden} and {Bottleneck}");
        foreach (var (name, value) in new[] { ("student_temperature", StudentTemperature), ("teacher_temperature", TeacherTemperature), ("warmup_teacher_temperature", WarmupTeacherTemperature) })
            if (!(value > 0) || !double.IsFinite(value)) throw new SettingException(name, $"expected a positive number, got {value}");
        if (TeacherTemperatureWarmupFraction is < 0 or > 1) throw new SettingException("teacher_temperature_warmup_fraction", $"expected a number in [0, 1], got {TeacherTemperatureWarmupFraction}");
        if (CentreMomentum is < 0 or >= 1) throw new SettingException("centre_momentum", $"expected a number in [0, 1), got {CentreMomentum}");
        if (TeacherMomentum is < 0 or > 1) throw new SettingException("teacher_momentum", $"expected a number in [0, 1], got {TeacherMomentum}");
        if (LocalCrops < 0) throw new SettingException("local_crops", $"expected zero or more, got {LocalCrops}");
        if (FreezeLastLayerFraction is < 0 or > 1) throw new SettingException("freeze_last_layer_fraction", $"expected a number in [0, 1], got {FreezeLastLayerFraction}");
        return this;
    }
}
