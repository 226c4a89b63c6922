using System.CommandLine;
using LabelFree.Cli.Options;
using LabelFree.Learning.Methods.Strega;

namespace LabelFree.Cli.Commands.Anomaly;

/// <summary>
/// <c>--opening-radius</c> and <c>--clip-above</c>: how residuals become anomaly masks. <c>anomaly train</c> records
/// them in the model; <c>anomaly detect</c> and <c>anomaly eval</c> use the recorded ones unless given.
/// </summary>
public sealed class MaskOptions
{
    public Option<double?> OpeningRadius { get; } = new Option<double?>("--opening-radius")
    {
        Description = $"Open the anomaly mask in 3-D with a ball of this radius in mm, 0 = off as in the reference (default when training: {new PostprocessingOptions().OpeningRadiusMm})",
    }.NonNegative().Sets("opening_radius");

    public Option<double?> ClipAbove { get; } = new Option<double?>("--clip-above")
    {
        Description = $"Residuals above this count as 1 before Otsu's threshold (reference and default when training: {new PostprocessingOptions().ClipAbove})",
    }.PositiveFinite().Sets("clip_above");

    public void AddTo(Command command)
    {
        command.Options.Add(OpeningRadius);
        command.Options.Add(ClipAbove);
    }

    public (double? OpeningRadius, double? ClipAbove) Read(ParseResult result) => (result.GetValue(OpeningRadius), result.GetValue(ClipAbove));
}
