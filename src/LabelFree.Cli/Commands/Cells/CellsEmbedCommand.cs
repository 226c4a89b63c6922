using System.CommandLine;
using LabelFree.Cli.Options;
using LabelFree.Workflows.Cells;

namespace LabelFree.Cli.Commands.Cells;

/// <summary><c>cells embed</c>: a trained scVI model applied to a count matrix: latent, clusters, UMAP, h5ad, optionally normalised expression (<see cref="ScviEmbedding"/>).</summary>
public static class CellsEmbedCommand
{
    public static Command Create()
    {
        var model = RunOptions.ModelOption();
        var input = new Option<string>("--input") { Description = "Counts with the model's genes: 10x folder, 10x .h5(.gz) or .h5ad", Required = true };
        var batchKey = new Option<string?>("--batch-key") { Description = "obs column of the batches (default: the one the model was trained with)" };
        var layer = CellsOptions.Layer();
        var normalized = new Option<bool>("--normalized") { Description = "Also write normalized.tsv: denoised expression scaled to 10,000 counts per cell" };
        var run = new RunOptions();
        var command = new Command("embed", "Latent space, clusters, UMAP and h5ad of cells under a trained scVI model") { model, input, batchKey, layer, normalized };
        run.AddTo(command);
        command.SetAction(r =>
        {
            var settings = run.Read(r);
            var summary = ScviEmbedding.Run(new ScviEmbedSettings(r.GetValue(model)!, r.GetValue(input)!, r.GetValue(batchKey), r.GetValue(layer), r.GetValue(normalized)),
                settings, new ConsoleProgress());
            Console.WriteLine($"embedded {summary.Cells} cells: {summary.LeidenClusters} Leiden clusters; outputs in {settings.Out} (latent.tsv, clusters.tsv, cells.h5ad)");
            return CommandLine.Ok;
        });
        return command;
    }
}
