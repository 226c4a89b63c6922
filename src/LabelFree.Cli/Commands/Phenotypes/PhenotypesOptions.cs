using System.CommandLine;
using LabelFree.Core.Errors;
using LabelFree.Workflows.Phenotypes;

namespace LabelFree.Cli.Commands.Phenotypes;

/// <summary>The inputs every phenotypes command reads: a list of volumes or a table of per-person values.</summary>
public sealed class PhenotypesOptions
{
    private readonly Option<string?> _images = new("--images") { Description = "TSV with IID (and optionally FID) and path: one NIfTI per person, registered and intensity-normalised" };
    private readonly Option<string?> _table = new("--table") { Description = "Per-person values instead of images: #FID IID col... (or IID col...), TSV, gzipped or not" };

    public void AddTo(Command command)
    {
        command.Options.Add(_images);
        command.Options.Add(_table);
    }

    /// <summary>Reads the input given; images go onto <paramref name="grid"/> (a trained model's) or a new grid of <paramref name="size"/>³ voxels at <paramref name="spacing"/> mm.</summary>
    public PhenotypeInput Read(ParseResult result, VolumeGrid? grid = null, int size = VolumeGrid.DefaultSize, double spacing = VolumeGrid.DefaultSpacingMm)
    {
        var (images, table) = (result.GetValue(_images), result.GetValue(_table));
        if ((images is null) == (table is null)) throw new UserInputException("give either --images or --table (one of them)");
        return images is not null ? PhenotypeInputs.FromImages(images, grid, size, spacing) : PhenotypeInputs.FromTable(table!);
    }
}
