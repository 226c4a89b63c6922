using LabelFree.Core.Errors;
using LabelFree.Learning.Methods.Strega;

namespace LabelFree.Workflows.Anomaly;

/// <summary>How residuals become masks at detection: what the model recorded at training, unless the caller overrides a value.</summary>
public static class StregaPostprocessing
{
    /// <summary><paramref name="recorded"/> with the given values in place of its own.</summary>
    public static PostprocessingOptions Override(PostprocessingOptions recorded, double? openingRadius, double? clipAbove)
    {
        if (openingRadius is < 0 or double.NaN or double.PositiveInfinity) throw new SettingException("opening_radius", $"expected zero or more mm, got {openingRadius}");
        if (clipAbove is not null && !(clipAbove > 0 && double.IsFinite(clipAbove.Value))) throw new SettingException("clip_above", $"expected a positive number, got {clipAbove}");
        return (recorded with
        {
            OpeningRadiusMm = openingRadius ?? recorded.OpeningRadiusMm,
            ClipAbove = clipAbove ?? recorded.ClipAbove,
        }).Validate();
    }
}
