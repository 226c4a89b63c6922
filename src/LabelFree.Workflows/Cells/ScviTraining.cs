using LabelFree.Core.Errors;
using LabelFree.Core.IO;
using LabelFree.Core.Progress;
using LabelFree.Core.Training;
using LabelFree.Data.SingleCell;
using LabelFree.Learning.Methods.Scvi;
using LabelFree.Reports.Figures;
using LabelFree.Workflows.Runs;

namespace LabelFree.Workflows.Cells;

/// <summary>Counts to train scVI on: a 10x folder, 10x .h5 or .h5ad (optionally a layer), the batch column, the likelihood and the epochs (null: scvi-tools' rule).</summary>
public sealed record ScviTrainSettings(string Input, string? BatchKey = null, GeneLikelihood Likelihood = GeneLikelihood.Zinb, int? Epochs = null, string? Layer = null);

/// <summary>What a scVI run records in its config.json.</summary>
public sealed record ScviTrainRecord(string Input, string? Layer, string? BatchKey, ScviConfig Model, TrainerOptions Training, int TrainCells, int HeldOutCells);

/// <summary>What a scVI run reports.</summary>
public sealed record ScviTrainSummary(long Steps, int Epochs, double FinalLoss, double HeldOutNegativeElbo, CellEmbeddingSummary Embedding);

/// <summary>
/// scVI's training protocol, shared by <c>cells train</c> and the demo: a seeded 90/10 split of the cells, scvi-tools'
/// training settings, the held-out negative ELBO, the loss curve, then the latent, clusters, UMAP and an h5ad of every cell.
/// </summary>
public static class ScviTraining
{
    public static ScviTrainSummary Run(ScviTrainSettings settings, RunSettings run, bool resume, IProgressReporter progress, string title = "cells")
    {
        var device = run.StartTorch();
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
        var split = Scvi.Split(data.Cells, run.Seed);
        var training = Scvi.DefaultTraining(split.Train.Length, run.Seed, settings.Epochs);
        RunFolder.Start(run.Out, "cells train", run.Seed, run.DeviceName,
            new ScviTrainRecord(settings.Input, settings.Layer, settings.BatchKey, config, training, split.Train.Length, split.Validation.Length));
        progress.Info($"scVI: {config.Likelihood.ToString().ToUpperInvariant()} likelihood, {config.Batches} batch(es), {split.Train.Length} training and {split.Validation.Length} held-out cells, {training.Epochs} epochs");

        using var model = Scvi.Create(config, run.Seed, device);
        var result = model.Fit(data.Counts, codes, split, new TrainingRun(training, run.Out, progress, resume));
        model.Save(Path.Combine(run.Out, "model"), run.Seed, result.Steps);
        var elbo = model.Elbo(data.Counts, codes, split.Validation, run.Seed);
        LossCurve.Save(run.Out, Path.Combine(run.Out, "figures", "loss.png"), "scVI training: loss per cell (reconstruction + weighted KL)");
        var embedding = CellOutputs.Write(run.Out, model, data, codes, run.Seed, progress, title);
        var summary = new ScviTrainSummary(result.Steps, training.Epochs, result.FinalLoss, elbo, embedding);
        Json.Write(Path.Combine(run.Out, "summary.json"), summary);
        return summary;
    }
}
