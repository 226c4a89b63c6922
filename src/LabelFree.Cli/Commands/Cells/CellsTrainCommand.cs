using System.CommandLine;
using LabelFree.Cli.Options;
using LabelFree.Learning.Methods.Scvi;
using LabelFree.Workflows.Cells;

namespace LabelFree.Cli.Commands.Cells;

/// <summary><c>cells train</c>: scVI on a count matrix, then the latent, clusters, UMAP and an h5ad of the training cells (<see cref="ScviTraining"/>).</summary>
public static class CellsTrainCommand
{
    public static Command Create()
    {
        var input = new Option<string>("--input") { Description = "Counts: a 10x MatrixMarket folder, a 10x .h5(.gz) or an AnnData .h5ad", Required = true };
        var batchKey = new Option<string?>("--batch-key") { Description = "obs column naming each cell's batch (h5ad); the decoder is conditioned on it" };
        var likelihood = CellsOptions.Likelihood();
        var layer = CellsOptions.Layer();
        var run = new RunOptions("Run folder");
        var train = new TrainOptions(Scvi.DefaultTraining(1, 0), TrainFlags.Epochs | TrainFlags.Resume,
            epochsNote: "Passes over the training cells (default: scvi-tools' min(round(20000 / cells * 400), 400))");
        var command = new Command("train", "Train scVI (negative-binomial VAE with batch correction) on raw counts") { input, batchKey, likelihood, layer };
        run.AddTo(command);
        train.AddTo(command);
        command.SetAction(r =>
        {
            var settings = run.Read(r);
            var flags = train.Read(r);
            var summary = ScviTraining.Run(new ScviTrainSettings(r.GetValue(input)!, r.GetValue(batchKey), r.GetValue(likelihood), flags.Epochs, r.GetValue(layer)),
                settings, flags.Resume, new ConsoleProgress());
            Console.WriteLine($"trained {summary.Steps} steps ({summary.Epochs} epochs), final loss {summary.FinalLoss:G5}, held-out negative ELBO {summary.HeldOutNegativeElbo:G5} per cell; " +
                              $"{summary.Embedding.LeidenClusters} Leiden clusters; model: {Path.Combine(settings.Out, "model")}; h5ad: {summary.Embedding.H5ad}");
            return CommandLine.Ok;
        });
        return command;
    }
}
