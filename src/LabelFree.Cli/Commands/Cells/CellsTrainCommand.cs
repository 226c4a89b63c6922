using System.CommandLine;
using LabelFree.Core.Errors;
using LabelFree.Core.IO;
using LabelFree.Core.Progress;
using LabelFree.Core.Torch;
using LabelFree.Core.Training;
using LabelFree.Data.SingleCell;
using LabelFree.Learning.Methods.Scvi;
using LabelFree.Reports.Figures;

namespace LabelFree.Cli.Commands.Cells;

/// <summary>Settings of <c>cells train</c>, as parsed.</summary>
public sealed record CellsTrainSettings(
    string Input,
    string? BatchKey,
    string Out,
    GeneLikelihood Likelihood = GeneLikelihood.Zinb,
    int? Epochs = null,
    string? Layer = null,
    long Seed = 0,
    ComputeDevice Device = ComputeDevice.Cpu,
    int? Threads = null,
    bool Resume = false);

/// <summary>What <c>cells train</c> records in the run's config.json.</summary>
public sealed record CellsTrainRecord(string Input, string? Layer, string? BatchKey, ScviConfig Model, TrainerOptions Training, int TrainCells, int HeldOutCells);

/// <summary>What <c>cells train</c> reports.</summary>
public sealed record CellsTrainSummary(long Steps, int Epochs, double FinalLoss, double HeldOutNegativeElbo, CellEmbeddingSummary Embedding);

/// <summary><c>cells train</c>: scVI on a count matrix, then the latent, clusters, UMAP and an h5ad of the training cells.</summary>
public static class CellsTrainCommand
{
    public static Command Create()
    {
        var input = new Option<string>("--input") { Description = "Counts: a 10x MatrixMarket folder, a 10x .h5(.gz) or an AnnData .h5ad", Required = true };
        var batchKey = new Option<string?>("--batch-key") { Description = "obs column naming each cell's batch (h5ad); the decoder is conditioned on it" };
        var output = new Option<string>("--out") { Description = "Run folder", Required = true };
        var likelihood = new Option<GeneLikelihood>("--likelihood")
        {
            Description = "zinb (scvi-tools' default) or nb",
            DefaultValueFactory = _ => GeneLikelihood.Zinb,
            CustomParser = result =>
            {
                var value = result.Tokens.Count > 0 ? result.Tokens[0].Value : "zinb";
                if (Enum.TryParse<GeneLikelihood>(value, ignoreCase: true, out var parsed)) return parsed;
                result.AddError($"--likelihood: expected zinb or nb, got '{value}'");
                return GeneLikelihood.Zinb;
            },
        };
        var epochs = CommonOptions.Positive(new Option<int?>("--epochs") { Description = "Passes over the training cells (default: scvi-tools' min(round(20000 / cells * 400), 400))" });
        var layer = new Option<string?>("--layer") { Description = "Read counts from this h5ad layer instead of X" };
        var seed = CommonOptions.Seed();
        var device = CommonOptions.Device();
        var threads = CommonOptions.Threads();
        var resume = new Option<bool>("--resume") { Description = "Continue a killed run in --out from its last checkpoint" };
        var command = new Command("train", "Train scVI (negative-binomial VAE with batch correction) on raw counts")
        {
            input, batchKey, output, likelihood, epochs, layer, seed, device, threads, resume,
        };
        command.SetAction(r => Run(new CellsTrainSettings(r.GetValue(input)!, r.GetValue(batchKey), r.GetValue(output)!, r.GetValue(likelihood),
            r.GetValue(epochs), r.GetValue(layer), r.GetValue(seed), r.GetValue(device), r.GetValue(threads), r.GetValue(resume)), Console.Out, new ConsoleProgress()));
        return command;
    }

    public static int Run(CellsTrainSettings settings, TextWriter output, IProgressReporter progress)
    {
        var summary = Train(settings, progress);
        output.WriteLine($"trained {summary.Steps} steps ({summary.Epochs} epochs), final loss {summary.FinalLoss:G5}, held-out negative ELBO {summary.HeldOutNegativeElbo:G5} per cell; " +
                         $"{summary.Embedding.LeidenClusters} Leiden clusters; model: {Path.Combine(settings.Out, "model")}; h5ad: {summary.Embedding.H5ad}");
        return CommandLine.Ok;
    }

    public static CellsTrainSummary Train(CellsTrainSettings settings, IProgressReporter progress, string title = "cells")
    {
        var device = TorchRuntime.Start(settings.Device, settings.Threads);
        var data = CellOutputs.Load(settings.Input, settings.Layer, progress, settings.BatchKey);
        var (codes, batchNames) = settings.BatchKey is null ? (new int[data.Cells], new[] { "all" }) : CellData.Encode(data.Column(settings.BatchKey, settings.Input));
        if (batchNames.Length > 100) throw new UserInputException($"{settings.Input}: obs column '{settings.BatchKey}' has {batchNames.Length} distinct values; is it really a batch?");
        var config = new ScviConfig
        {
            Genes = data.Genes,
            BatchKey = batchNames.Length > 1 ? settings.BatchKey : null,
            Batches = batchNames.Length,
            BatchNames = batchNames,
            Likelihood = settings.Likelihood,
        };
        var split = Scvi.Split(data.Cells, settings.Seed);
        var training = Scvi.DefaultTraining(split.Train.Length, settings.Seed, settings.Epochs);
        Directory.CreateDirectory(settings.Out);
        new RunConfig<CellsTrainRecord>("cells train", settings.Seed, settings.Device.ToString().ToLowerInvariant(),
            new CellsTrainRecord(settings.Input, settings.Layer, settings.BatchKey, config, training, split.Train.Length, split.Validation.Length), Versions.Current).Write(settings.Out);
        progress.Info($"scVI: {config.Likelihood.ToString().ToUpperInvariant()} likelihood, {config.Batches} batch(es), {split.Train.Length} training and {split.Validation.Length} held-out cells, {training.Epochs} epochs");

        using var model = Scvi.Create(config, settings.Seed, device);
        var result = model.Fit(data.Counts, codes, split, training, settings.Out, progress, settings.Resume);
        model.Save(Path.Combine(settings.Out, "model"), settings.Seed, result.Steps);
        var elbo = model.Elbo(data.Counts, codes, split.Validation, settings.Seed);
        var metrics = MetricsLog.Read(Path.Combine(settings.Out, MetricsLog.FileName));
        Directory.CreateDirectory(Path.Combine(settings.Out, "figures"));
        LineChart.SavePng(Path.Combine(settings.Out, "figures", "loss.png"), "scVI training: loss per cell (reconstruction + weighted KL)", "step", "loss", [
            new Series("train", metrics.Where(m => m.Phase == "train").Select(m => (double)m.Step).ToList(), metrics.Where(m => m.Phase == "train").Select(m => m.Loss).ToList()),
            new Series("held out", metrics.Where(m => m.Phase == "validation").Select(m => (double)m.Step).ToList(), metrics.Where(m => m.Phase == "validation").Select(m => m.Loss).ToList()),
        ]);
        var embedding = CellOutputs.Write(settings.Out, model, data, codes, settings.Seed, progress, title);
        var summary = new CellsTrainSummary(result.Steps, training.Epochs, result.FinalLoss, elbo, embedding);
        Json.Write(Path.Combine(settings.Out, "summary.json"), summary);
        return summary;
    }
}
