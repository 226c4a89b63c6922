using LabelFree.Core.Errors;
using LabelFree.Core.IO;
using LabelFree.Core.Progress;
using LabelFree.Core.Training;
using LabelFree.Learning.Methods.DnaLanguageModel;
using LabelFree.Reports.Figures;
using LabelFree.Workflows.Runs;

namespace LabelFree.Workflows.Dna;

/// <summary>
/// A pre-trained DNA model to fine-tune and the labelled sequences: a training table, an optional validation table
/// (scored every epoch), and a test table or a number of cross-validation folds for the evaluation (neither: no
/// evaluation beyond validation). Null training values keep DNABERT's defaults.
/// </summary>
public sealed record DnaFinetuneSettings(string Model, string Train, string? Validation = null, string? Test = null, int? Folds = null,
    DnaTableColumns? Columns = null, int? Epochs = null, int? BatchSize = null, double? LearningRate = null);

/// <summary>What a fine-tuning run records in its config.json.</summary>
public sealed record DnaFinetuneRecord(DnaFinetuneSettings Settings, DnaClassifierConfig Model, TrainerOptions Training, string Protocol);

/// <summary>What a fine-tuning run reports: the final model's training and, when there was an evaluation, the metrics beside the k-mer baseline.</summary>
public sealed record DnaFinetuneSummary(long Steps, double FinalLoss, string ModelFolder, DnaClassificationMetrics? Evaluation);

/// <summary>
/// DNABERT-style fine-tuning of a pre-trained DNA model into a sequence classifier (<see cref="DnaClassifier"/>), shared
/// by <c>dna finetune</c> and the demo. With a test table, the model trained on the training table is scored on it;
/// with folds, one model per fold (in RUN/folds/N) is scored on its held-out fold, then the final model is trained on
/// every training row. The k-mer spectrum baseline (<see cref="DnaBaselines"/>) is fitted on the same training rows and
/// scored on the same rows: metrics.json, predictions.tsv, the final model in RUN/model and its loss curve.
/// </summary>
public static class DnaFinetuning
{
    public const string FineTuned = "fine_tuned";

    public static DnaFinetuneSummary Run(DnaFinetuneSettings settings, RunSettings run, bool resume, IProgressReporter progress, string command = "dna finetune")
    {
        if (settings.Test is not null && settings.Folds is not null) throw new SettingException("folds", "give a test table or a number of folds, not both");
        CheckTraining(settings);
        var columns = settings.Columns ?? new DnaTableColumns();
        var tables = DnaEvaluationTables.Read(new DnaEvaluationData(settings.Train, settings.Test, settings.Folds ?? 0, columns), run.Seed);
        var validation = settings.Validation is null ? null : DnaInput.Read(settings.Validation, columns, needLabels: true);
        (IReadOnlyList<ReadOnlyMemory<byte>>, IReadOnlyList<int>)? validationSet = validation is null ? null : (validation.Bases, validation.ClassCodes(tables.Classes));
        var device = run.StartTorch();
        using var pretrained = DnaModels.Load(settings.Model, device);
        var training = Training(settings, tables.TrainTable.Records.Count, run.Seed);
        var config = new DnaClassifierConfig { Encoder = DnaClassifier.FineTuningEncoder(pretrained.Encoder.Config), Tokenizer = pretrained.Tokenizer.Spec,
            Classes = tables.Classes.ToArray() }.Validate();
        RunFolder.Start(run.Out, command, run.Seed, run.DeviceName, new DnaFinetuneRecord(settings, config, training, tables.Protocol));

        var predictions = new Dictionary<string, double[,]>
        {
            [FineTuned] = new double[tables.All.Count, tables.Classes.Count],
            [DnaProbing.Kmer] = new double[tables.All.Count, tables.Classes.Count],
        };
        var choices = new Dictionary<string, string>();
        var crossValidated = tables.Splits.Count > 1;
        if (crossValidated)
        {
            foreach (var split in tables.Splits)
            {
                progress.Info($"fold {split.Fold + 1} of {tables.Splits.Count}: fine-tuning on {split.Train.Length} sequences, scoring {split.Test.Length}");
                var train = split.Train.Select(i => tables.All[i]).ToArray();
                using var model = DnaClassifier.FromPretrained(pretrained, tables.Classes, run.Seed, device);
                model.Fit(train, split.Train.Select(i => tables.Codes[i]).ToArray(), validationSet,
                    new TrainingRun(Training(settings, train.Length, run.Seed), Path.Combine(run.Out, "folds", $"{split.Fold + 1}"), progress, resume));
                DnaEvaluationTables.Place(predictions[FineTuned], split, model.Predict(split.Test.Select(i => tables.All[i]).ToArray()));
                Kmer(tables, predictions, choices, split, run.Seed);
            }
        }

        progress.Info($"fine-tuning on all {tables.TrainTable.Records.Count} training sequences");
        using var final = DnaClassifier.FromPretrained(pretrained, tables.Classes, run.Seed, device);
        var done = final.Fit(tables.TrainTable.Bases, tables.TrainTable.ClassCodes(tables.Classes), validationSet, new TrainingRun(training, run.Out, progress, resume));
        final.Save(Path.Combine(run.Out, "model"), run.Seed, done.Steps);
        LossCurve.Save(run.Out, Path.Combine(run.Out, "figures", "loss.png"), "fine-tuning: cross-entropy", validationLabel: "validation table");
        if (!crossValidated && tables.Splits.Count == 1)
        {
            var split = tables.Splits[0];
            DnaEvaluationTables.Place(predictions[FineTuned], split, final.Predict(split.Test.Select(i => tables.All[i]).ToArray()));
            progress.Info("k-mer baseline on the same training and test rows");
            Kmer(tables, predictions, choices, split, run.Seed);
        }

        DnaClassificationMetrics? metrics = null;
        if (tables.Splits.Count > 0)
        {
            metrics = tables.Score(predictions, choices);
            Json.Write(Path.Combine(run.Out, "metrics.json"), metrics);
            tables.WritePredictions(Path.Combine(run.Out, "predictions.tsv"), predictions);
        }
        var summary = new DnaFinetuneSummary(done.Steps, done.FinalLoss, Path.Combine(run.Out, "model"), metrics);
        Json.Write(Path.Combine(run.Out, "summary.json"), summary);
        return summary;
    }

    /// <summary>DNABERT's fine-tuning for <paramref name="sequences"/> training sequences, with the settings' overrides.</summary>
    public static TrainerOptions Training(DnaFinetuneSettings settings, int sequences, long seed)
    {
        var defaults = DnaClassifier.DefaultTraining(sequences, seed, settings.Epochs ?? 5, settings.BatchSize ?? 32);
        return defaults with { LearningRate = settings.LearningRate ?? defaults.LearningRate };
    }

    private static void CheckTraining(DnaFinetuneSettings settings)
    {
        if (settings.Epochs is < 1) throw new SettingException("epochs", $"expected a positive number, got {settings.Epochs}");
        if (settings.BatchSize is < 1) throw new SettingException("batch_size", $"expected a positive number, got {settings.BatchSize}");
        if (settings.LearningRate is { } rate && !(rate > 0 && double.IsFinite(rate))) throw new SettingException("learning_rate", $"expected a positive number, got {rate}");
    }

    private static void Kmer(DnaEvaluationTables tables, Dictionary<string, double[,]> predictions, Dictionary<string, string> choices, DnaSplit split, long seed)
    {
        var baseline = DnaBaselines.KmerSpectrum(split.Train.Select(i => tables.All[i]).ToArray(), split.Train.Select(i => tables.Codes[i]).ToArray(),
            split.Test.Select(i => tables.All[i]).ToArray(), tables.Classes.Count, seed);
        DnaEvaluationTables.Place(predictions[DnaProbing.Kmer], split, baseline.Probabilities);
        choices[$"{DnaProbing.Kmer} (split {split.Fold + 1})"] = baseline.Choice;
    }
}
