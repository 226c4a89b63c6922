using LabelFree.Core.IO;
using LabelFree.Core.Progress;
using LabelFree.Core.Training;
using LabelFree.Data.Ehr;
using LabelFree.Learning.Methods.Behrt;
using LabelFree.Reports.Figures;
using LabelFree.Workflows.Runs;

namespace LabelFree.Workflows.Ehr;

/// <summary>Which BEHRT: the small default for 2 CPU cores, or the published sizes.</summary>
public enum BehrtSize
{
    Small,
    Paper,
}

/// <summary>What BEHRT pre-trains on and how: the cohort, the model size and longest sentence, the value bins and rare-token cut-off, and the training.</summary>
public sealed record BehrtPretrainSettings(string Events, string Patients, TrainerOptions Training, BehrtSize Size = BehrtSize.Small, int MaxLength = 64,
    int Bins = 10, int MinCount = 5);

/// <summary>What a pre-training run records in its config.json.</summary>
public sealed record BehrtPretrainRecord(BehrtPretrainSettings Settings, BehrtConfig Model, int TrainPatients, int ValidationPatients, int TestPatientsHeldOut);

/// <summary>What a pre-training run reports.</summary>
public sealed record BehrtPretrainSummary(long Steps, double FinalLoss, double? BestValidationLoss, int TrainPatients, int ValidationPatients,
    int Vocabulary, double PatientsPerSecond, string ModelFolder);

/// <summary>
/// BEHRT's pre-training protocol, shared by <c>ehr pretrain</c> and the demo: the cohort split 70/10/20 by the run's
/// seed (<see cref="PatientSplit"/>), the vocabulary and value bins fitted on the training patients, masked language
/// modelling on the training patients' whole histories with the validation patients' MLM loss logged, and the model
/// saved to RUN/model. The test patients are never read into the model, so fine-tuning with this model's seed can
/// evaluate on them.
/// </summary>
public static class BehrtPretraining
{
    public static BehrtPretrainSummary Run(BehrtPretrainSettings settings, RunSettings run, bool resume, IProgressReporter progress, string command = "ehr pretrain")
    {
        var training = settings.Training.Validate();
        var options = new EhrVocabularyOptions(settings.Bins, settings.MinCount).Validate();
        if (settings.MaxLength < 3) throw new Core.Errors.SettingException("max_length", $"expected at least 3 tokens, got {settings.MaxLength}");
        var device = run.StartTorch();
        var cohort = EhrInputs.Read(settings.Events, settings.Patients, progress);
        var split = PatientSplit.Assign(cohort, run.Seed);
        var vocabulary = EhrVocabulary.Fit(cohort, split[SplitPart.Train], options);
        var config = (settings.Size == BehrtSize.Paper ? BehrtConfig.Paper(vocabulary) : new BehrtConfig { Vocabulary = vocabulary }) with { MaxLength = settings.MaxLength };
        config.Validate();
        RunFolder.Start(run.Out, command, run.Seed, run.DeviceName,
            new BehrtPretrainRecord(settings, config, split[SplitPart.Train].Length, split[SplitPart.Validation].Length, split[SplitPart.Test].Length));
        progress.Info($"BEHRT ({settings.Size.ToString().ToLowerInvariant()}: hidden {config.Hidden}, {config.Layers} layers, {config.Heads} heads): " +
                      $"{vocabulary.Size} tokens, {split[SplitPart.Train].Length:N0} training and {split[SplitPart.Validation].Length:N0} validation patients " +
                      $"({split[SplitPart.Test].Length:N0} test patients held out)");

        using var model = Behrt.Create(config, run.Seed, device);
        // Whole histories of patients with at least one event ([CLS] and sex alone hold nothing to predict).
        IReadOnlyList<BehrtSequence> Sentences(SplitPart part) =>
            model.Sentences(cohort, split[part].Where(p => cohort.EventsOf(p).Length > 0).ToList(), _ => int.MaxValue);
        var result = model.Fit(Sentences(SplitPart.Train), Sentences(SplitPart.Validation),
            new TrainingRun(training, run.Out, progress, resume));
        var modelFolder = Path.Combine(run.Out, "model");
        model.Save(modelFolder, run.Seed, result.Steps);
        LossCurve.Save(run.Out, Path.Combine(run.Out, "figures", "loss.png"), "BEHRT pre-training: masked-token cross-entropy", validationLabel: "validation patients");
        var speed = MetricsLog.Read(Path.Combine(run.Out, MetricsLog.FileName)).LastOrDefault(l => l.Phase == "train")?.StepsPerSecond ?? double.NaN;
        var summary = new BehrtPretrainSummary(result.Steps, result.FinalLoss, result.BestValidationLoss, split[SplitPart.Train].Length,
            split[SplitPart.Validation].Length, vocabulary.Size, speed * training.BatchSize, modelFolder);
        Json.Write(Path.Combine(run.Out, "summary.json"), summary);
        return summary;
    }
}
