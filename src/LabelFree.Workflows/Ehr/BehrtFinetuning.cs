using System.Globalization;
using System.Text;
using LabelFree.Core.Errors;
using LabelFree.Core.IO;
using LabelFree.Core.Models;
using LabelFree.Core.Progress;
using LabelFree.Core.Training;
using LabelFree.Data.Ehr;
using LabelFree.Learning.Methods.Behrt;
using LabelFree.Reports.Figures;
using LabelFree.Workflows.Runs;

namespace LabelFree.Workflows.Ehr;

/// <summary>
/// What to fine-tune a pre-trained BEHRT for: the next visit's codes, or an outcome (comma-separated codes and/or
/// <c>death</c>) within <paramref name="HorizonDays"/> after a landmark (a time on the cohort's scale or a code;
/// default day 0 of a <c>days</c> cohort). <paramref name="Bootstrap"/> resamples give the confidence intervals.
/// </summary>
public sealed record BehrtFinetuneSettings(string Model, string Events, string Patients, BehrtTask Task, TrainerOptions Training,
    string? Outcome = null, int HorizonDays = 1826, string? Landmark = null, int Bootstrap = 1000);

/// <summary>What a fine-tuning run records in its config.json.</summary>
public sealed record BehrtFinetuneRecord(BehrtFinetuneSettings Settings, long SplitSeed, IReadOnlyList<string> Labels, int TrainPatients, int ValidationPatients, int TestPatients);

/// <summary>Patients of each part of the split that the task could use, and the test patients with the outcome (or with any label).</summary>
public sealed record TaskPatients(int Train, int Validation, int Test, int TestPositives);

/// <summary>metrics.json of a fine-tuning run: the fine-tuned model and both baselines side by side on the test patients.</summary>
public sealed record BehrtFinetuneMetrics(string Task, string? Outcome, int? HorizonDays, string? Landmark, long SplitSeed, TaskPatients Patients,
    IReadOnlyList<ModelScores> Models, IReadOnlyList<ScoreDifference> Differences, IReadOnlyList<double> BaselinePenalties, string Baseline);

/// <summary>
/// BEHRT's fine-tuning protocol, shared by <c>ehr finetune</c> and the demo. Patients are split 70/10/20 by the
/// pre-trained model's seed, so the test patients are ones pre-training never saw. In the same run: BEHRT fine-tuned
/// from the pre-trained encoder (RUN/pretrained), the same network and training from random weights (RUN/scratch),
/// and logistic regression on code counts, age and sex (<see cref="CodeCountBaseline"/>); each picks its epoch or
/// penalty on the validation patients only. Then metrics.json (<see cref="PredictionScores"/>), predictions.tsv and figures.
/// </summary>
public static class BehrtFinetuning
{
    public const string Pretrained = "behrt_pretrained";
    public const string Scratch = "behrt_scratch";
    public const string Logistic = "logistic_code_counts";

    public static BehrtFinetuneMetrics Run(BehrtFinetuneSettings settings, RunSettings run, bool resume, IProgressReporter progress, string command = "ehr finetune")
    {
        var training = settings.Training.Validate();
        if (settings.Bootstrap < 1) throw new SettingException("bootstrap", $"expected a positive number of resamples, got {settings.Bootstrap}");
        if (settings.Task == BehrtTask.Outcome && string.IsNullOrWhiteSpace(settings.Outcome))
            throw new SettingException("outcome", "the outcome task needs the outcome's codes (comma-separated; death for deaths in the patients table)");
        var device = run.StartTorch();
        using var pretrained = Behrt.Load(settings.Model, device);
        var splitSeed = ModelFolder.ReadMeta(settings.Model).Seed;
        var cohort = EhrInputs.Read(settings.Events, settings.Patients, progress);
        var split = PatientSplit.Assign(cohort, splitSeed);

        string[] labels;
        Func<IEnumerable<int>, List<TaskExample>> examplesOf;
        Landmark? landmark = null;
        OutcomeDefinition? outcome = null;
        if (settings.Task == BehrtTask.Outcome)
        {
            outcome = OutcomeDefinition.Parse(settings.Outcome!, settings.HorizonDays, cohort);
            var at = landmark = EhrInputs.LandmarkOf(settings.Landmark, cohort);
            labels = [$"{outcome} within {settings.HorizonDays} days after {at}"];
            examplesOf = patients => TaskExamples.Outcome(cohort, patients, at, outcome);
        }
        else
        {
            labels = TaskExamples.NextVisitLabels(pretrained.Config.Vocabulary, cohort);
            if (labels.Length == 0) throw new UserInputException($"{settings.Events}: no code without a value is in the model's vocabulary, so there is no next-visit diagnosis to predict");
            examplesOf = patients => TaskExamples.NextVisit(cohort, patients, labels, splitSeed);
        }
        var (train, validation, test) = (examplesOf(split[SplitPart.Train]), examplesOf(split[SplitPart.Validation]), examplesOf(split[SplitPart.Test]));
        if (train.Count == 0 || test.Count == 0)
            throw new UserInputException($"{settings.Events}: the task leaves {train.Count} training and {test.Count} test patients; it needs some of each");
        if (settings.Task == BehrtTask.Outcome && (train.All(e => e.Target[0] == 0) || test.All(e => e.Target[0] == 0)))
            throw new UserInputException($"{settings.Events}: no {(train.All(e => e.Target[0] == 0) ? "training" : "test")} patient has {outcome} within {settings.HorizonDays} days; nothing to learn or score");

        RunFolder.Start(run.Out, command, run.Seed, run.DeviceName,
            new BehrtFinetuneRecord(settings, splitSeed, labels, train.Count, validation.Count, test.Count));
        progress.Info($"{settings.Task}: {train.Count:N0} training, {validation.Count:N0} validation and {test.Count:N0} test patients (split by the pre-trained model's seed {splitSeed}); " +
                      (settings.Task == BehrtTask.Outcome ? $"{train.Count(e => e.Target[0] > 0):N0} training and {test.Count(e => e.Target[0] > 0):N0} test patients with {outcome}" : $"{labels.Length} codes to predict"));

        var config = new BehrtPredictorConfig { Encoder = pretrained.Config, Task = settings.Task, Labels = labels };
        var (trainSentences, validationSentences, testSentences) = (SentencesOf(pretrained, cohort, train), SentencesOf(pretrained, cohort, validation), SentencesOf(pretrained, cohort, test));
        var predictions = new Dictionary<string, (float[,] Test, float[,] Validation)>();
        foreach (var (name, folder) in new[] { (Pretrained, "pretrained"), (Scratch, "scratch") })
        {
            progress.Info(name == Pretrained ? "fine-tuning the pre-trained BEHRT" : "training the same BEHRT from scratch (no pre-training)");
            using var model = name == Pretrained ? BehrtPredictor.FromPretrained(pretrained, config, run.Seed, device) : BehrtPredictor.Create(config, run.Seed, device);
            var runFolder = Path.Combine(run.Out, folder);
            var result = model.Fit(trainSentences, Targets(train), validationSentences, Targets(validation), new TrainingRun(training, runFolder, progress, resume));
            model.Save(Path.Combine(runFolder, "model"), run.Seed, result.Steps);
            LossCurve.Save(runFolder, Path.Combine(run.Out, "figures", $"loss_{folder}.png"), $"BEHRT {(name == Pretrained ? "fine-tuned from pre-training" : "from scratch")}: binary cross-entropy",
                validationLabel: "validation patients");
            predictions[name] = (model.Predict(testSentences), model.Predict(validationSentences));
        }
        progress.Info("logistic regression on code counts, age and sex");
        var baseline = CodeCountBaseline.Fit(cohort, pretrained.Config.Vocabulary.For(cohort), train, validation);
        predictions[Logistic] = (baseline.Predict(cohort, test), baseline.Predict(cohort, validation));

        var names = new[] { Pretrained, Scratch, Logistic };
        List<ModelScores> scores;
        List<ScoreDifference> differences;
        if (settings.Task == BehrtTask.Outcome)
        {
            (scores, differences) = PredictionScores.Outcome(test.Select(e => e.Target[0] > 0).ToArray(), validation.Select(e => e.Target[0] > 0).ToArray(),
                names.Select(n => (n, Column(predictions[n].Test), Column(predictions[n].Validation))).ToList(), run.Seed, settings.Bootstrap);
            SurvivalChart.SaveReliabilityPng(Path.Combine(run.Out, "figures", "calibration.png"), $"Calibration on {test.Count:N0} test patients: {outcome} within {settings.HorizonDays} days",
                scores.Select(s => (s.Model, s.Reliability!)));
        }
        else
        {
            (scores, differences) = PredictionScores.NextVisit(test.Select(e => e.Target).ToArray(), names.Select(n => (n, predictions[n].Test)).ToList(), run.Seed, settings.Bootstrap);
        }
        var positives = settings.Task == BehrtTask.Outcome ? test.Count(e => e.Target[0] > 0) : test.Count(e => e.Target.Any(v => v > 0));
        var metrics = new BehrtFinetuneMetrics(settings.Task == BehrtTask.Outcome ? "outcome" : "next_visit", outcome?.ToString(), outcome?.HorizonDays,
            landmark?.ToString(), splitSeed, new TaskPatients(train.Count, validation.Count, test.Count, positives), scores, differences, baseline.ChosenPenalties,
            "L2 logistic regression on log(1 + count) of each token in the visible history, the sex token and the age; penalty chosen on validation log-loss");
        Json.Write(Path.Combine(run.Out, "metrics.json"), metrics);
        WritePredictions(Path.Combine(run.Out, "predictions.tsv"), cohort, test, labels, names, names.Select(n => predictions[n].Test).ToArray());
        return metrics;
    }

    private static IReadOnlyList<BehrtSequence> SentencesOf(Behrt model, EhrCohort cohort, List<TaskExample> examples)
    {
        var lastDay = examples.ToDictionary(e => e.Patient, e => e.LastDay);
        return model.Sentences(cohort, examples.Select(e => e.Patient).ToList(), p => lastDay[p]);
    }

    private static List<float[]> Targets(List<TaskExample> examples) => examples.Select(e => e.Target).ToList();

    private static float[] Column(float[,] values) => Enumerable.Range(0, values.GetLength(0)).Select(i => values[i, 0]).ToArray();

    /// <summary>One row per test patient: id, the true labels and each model's probabilities (one column per model and label).</summary>
    private static void WritePredictions(string path, EhrCohort cohort, List<TaskExample> test, string[] labels, string[] models, float[][,] predictions)
    {
        var single = labels.Length == 1;
        var text = new StringBuilder("patient\t" + (single ? "label" : string.Join("\t", labels.Select(l => $"label:{l}"))));
        foreach (var model in models) text.Append('\t').Append(single ? model : string.Join("\t", labels.Select(l => $"{model}:{l}")));
        text.Append('\n');
        for (var i = 0; i < test.Count; i++)
        {
            text.Append(cohort.Patients[test[i].Patient].Id);
            foreach (var v in test[i].Target) text.Append('\t').Append(v > 0 ? '1' : '0');
            foreach (var p in predictions)
                for (var l = 0; l < labels.Length; l++) text.Append(CultureInfo.InvariantCulture, $"\t{p[i, l]:G6}");
            text.Append('\n');
        }
        AtomicFile.WriteAllText(path, text.ToString());
    }
}
