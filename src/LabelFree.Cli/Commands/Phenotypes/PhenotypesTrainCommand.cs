using System.CommandLine;
using LabelFree.Cli.Options;
using LabelFree.Learning.Methods.TableAe;
using LabelFree.Workflows.Phenotypes;

namespace LabelFree.Cli.Commands.Phenotypes;

/// <summary><c>phenotypes train</c>: the latent model trained from several seeds (<see cref="LatentModels"/>).</summary>
public static class PhenotypesTrainCommand
{
    public static Command Create()
    {
        var inputs = new PhenotypesOptions();
        var method = new Option<string>("--method") { Description = "table-ae (a fully connected autoencoder; images are flattened on a coarse grid)", DefaultValueFactory = _ => TableAe.MethodName }.OneOf(TableAe.MethodName);
        var seeds = new Option<int>("--seeds") { Description = "Training seeds whose latents are matched and merged (Ometto et al.)", DefaultValueFactory = _ => 3 }.Positive();
        var latent = new Option<int>("--latent") { Description = "Latent phenotypes per person", DefaultValueFactory = _ => 16 }.Positive();
        var variational = new Option<bool>("--variational") { Description = "A VAE instead of a plain autoencoder" };
        var grid = new Option<int>("--grid") { Description = "Images: voxels per side of the grid they are resampled onto", DefaultValueFactory = _ => VolumeGrid.DefaultSize }.Positive();
        var spacing = new Option<double>("--spacing") { Description = "Images: grid spacing in mm", DefaultValueFactory = _ => VolumeGrid.DefaultSpacingMm }.PositiveFinite();
        var run = new RunOptions("Run folder (the model for embed and gwas)");
        var train = new TrainOptions(TableAe.DefaultTraining(0), TrainFlags.Epochs | TrainFlags.Resume);
        var command = new Command("train", "Train the latent-phenotype model from several seeds") { method, seeds, latent, variational, grid, spacing };
        inputs.AddTo(command);
        run.AddTo(command);
        train.AddTo(command);
        command.SetAction(r =>
        {
            var settings = run.Read(r);
            var flags = train.Read(r);
            var input = inputs.Read(r, size: r.GetValue(grid), spacing: r.GetValue(spacing));
            using var models = LatentModels.Train(input, new PhenotypeTrainSettings(r.GetValue(seeds), r.GetValue(latent), Epochs: flags.Epochs, Variational: r.GetValue(variational)),
                settings, new ConsoleProgress(), flags.Resume);
            var merged = models.Embed(input);
            Console.WriteLine($"trained {models.Models.Count} seeds on {input.People.Count} people x {input.Rows[0].Length} values; " +
                              $"mean |r| of matched latents across seeds {merged.Reproducibility().Average():F3}; model: {settings.Out}");
            return CommandLine.Ok;
        });
        return command;
    }
}
