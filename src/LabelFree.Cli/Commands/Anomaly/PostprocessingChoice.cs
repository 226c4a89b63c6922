using System.CommandLine;
using LabelFree.Core.Errors;
using LabelFree.Learning.Methods.Strega;

namespace LabelFree.Cli.Commands.Anomaly;

/// <summary>
/// <c>--opening-radius</c> and <c>--clip-above</c>: how residuals become anomaly masks. <c>anomaly train</c> records
/// them in the model; <c>anomaly detect</c> and <c>anomaly eval</c> use the recorded ones unless given.
/// </summary>
public sealed class PostprocessingChoice
{
    public Option<double?> OpeningRadius { get; } = new("--opening-radius")
    {
        Description = $"Open the anomaly mask in 3-D with a ball of this radius in mm, 0 = off as in the reference (default when training: {new PostprocessingOptions().OpeningRadiusMm})",
    };

    public Option<double?> ClipAbove { get; } = new("--clip-above")
    {
        Description = $"Residuals above this count as 1 before Otsu's threshold (reference and default when training: {new PostprocessingOptions().ClipAbove})",
    };

    public (double? OpeningRadius, double? ClipAbove) Read(ParseResult result) => (result.GetValue(OpeningRadius), result.GetValue(ClipAbove));

    /// <summary><paramref name="recorded"/> with the given values in place of its own.</summary>
    public static PostprocessingOptions Apply(PostprocessingOptions recorded, double? openingRadius, double? clipAbove)
    {
        if (openingRadius is < 0 or double.NaN) throw new UserInputException($"--opening-radius: expected zero or more mm, got {openingRadius}");
        if (clipAbove is not null && !(clipAbove > 0)) throw new UserInputException($"--clip-above: expected a positive number, got {clipAbove}");
        return (recorded with
        {
            OpeningRadiusMm = openingRadius ?? recorded.OpeningRadiusMm,
            ClipAbove = clipAbove ?? recorded.ClipAbove,
        }).Validate();
    }
}
