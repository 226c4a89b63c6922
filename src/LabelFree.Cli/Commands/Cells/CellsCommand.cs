using System.CommandLine;

namespace LabelFree.Cli.Commands.Cells;

/// <summary><c>labelfree cells train|embed|eval|simulate</c>: scVI on single-cell count matrices.</summary>
public static class CellsCommand
{
    public static Command Create() => new("cells", "Single-cell scVI: latent space, batch correction, clusters, UMAP")
    {
        CellsTrainCommand.Create(),
        CellsEmbedCommand.Create(),
        CellsEvalCommand.Create(),
        CellsSimulateCommand.Create(),
    };
}
