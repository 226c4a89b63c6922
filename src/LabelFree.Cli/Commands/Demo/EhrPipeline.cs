using System.Globalization;
using LabelFree.Core.IO;
using LabelFree.Core.Progress;
using LabelFree.Data.Ehr;
using LabelFree.Learning.Methods.Behrt;
using LabelFree.Reports.Html;
using LabelFree.Workflows.Ehr;

namespace LabelFree.Cli.Commands.Demo;

/// <summary>What the demo's health-record part found.</summary>
public sealed record EhrDemoResult(BehrtPretrainSummary Pretraining, BehrtFinetuneMetrics Prediction, BehrtEmbedSummary Subtypes);

/// <summary>
/// The demo's health-record part (BEHRT) on the bundled NAFLD cohort (17,549 Olmsted County patients): pre-training by
/// masked language modelling on the training patients' visits, then incident heart failure or death within 5 years of
/// the index date predicted for held-out patients from their history up to it, by the fine-tuned model, the same model
/// trained from scratch and logistic regression on code counts, age and sex; then the held-out patients' embeddings
/// clustered into subtypes whose event-free survival is compared (Kaplan-Meier, log-rank).
/// </summary>
public static class EhrPipeline
{
    public const string Outcome = "heart_failure,death";
    public const int HorizonDays = 1826;

    public static EhrDemoResult Run(DemoSettings demo, HtmlReport report, IProgressReporter progress)
    {
        var folder = Path.Combine(demo.Out, "ehr");
        var (events, patients) = (DataFolder.File("ehr/nafld_events.csv.gz"), DataFolder.File("ehr/nafld_patients.csv.gz"));
        // Quick: about a quarter of an epoch of pre-training and one epoch of fine-tuning; full: the defaults (10 epochs each).
        var pretraining = Behrt.DefaultTraining(demo.Seed) with { MaxSteps = demo.Steps ?? (demo.Quick ? 180 : null), WarmupSteps = demo.Quick ? 20 : 100 };
        var finetuning = BehrtPredictor.DefaultTraining(demo.Seed) with { Epochs = demo.Quick ? 1 : 10, WarmupSteps = demo.Quick ? 10 : 50 };

        progress.Info("ehr: BEHRT pre-training on NAFLD");
        var pre = BehrtPretraining.Run(new BehrtPretrainSettings(events, patients, pretraining), demo.In(Path.Combine(folder, "pretrain")), demo.Resume, progress, "demo ehr pretrain");
        progress.Info("ehr: incident heart failure or death within 5 years, held-out patients");
        var prediction = BehrtFinetuning.Run(new BehrtFinetuneSettings(pre.ModelFolder, events, patients, BehrtTask.Outcome, finetuning, Outcome, HorizonDays,
            Bootstrap: demo.Quick ? 200 : 1000), demo.In(Path.Combine(folder, "outcome")), demo.Resume, progress, "demo ehr finetune");
        progress.Info("ehr: subtypes of the held-out patients");
        var subtypes = BehrtEmbedding.Run(new BehrtEmbedSettings(pre.ModelFolder, events, patients, Outcome: Outcome, Part: SplitPart.Test),
            demo.In(Path.Combine(folder, "subtypes")), progress, "demo ehr embed");
        var result = new EhrDemoResult(pre, prediction, subtypes);
        Json.Write(Path.Combine(folder, "summary.json"), result);

        static string F(double v) => v.ToString("F3", CultureInfo.InvariantCulture);
        static string Ci(Analysis.Metrics.Estimate e) => $"{F(e.Value)} [{F(e.Lower)}, {F(e.Upper)}]";
        var p = prediction.Patients;
        report.Section("Health records: BEHRT on the NAFLD cohort")
            .Paragraph($"BEHRT (Li et al. 2020): a BERT encoder over each patient's visits (diagnoses, binned labs and vitals, sex), with age, visit and " +
                       $"segment embeddings, pre-trained by masked language modelling on {pre.TrainPatients:N0} training patients ({pre.Steps} steps, " +
                       $"{pre.Vocabulary} tokens). Task: heart failure or death within 5 years of the index date, from the history up to it, for patients " +
                       $"free of heart failure then; {p.Train:N0} training, {p.Validation:N0} validation and {p.Test:N0} held-out test patients " +
                       $"({p.TestPositives} with the outcome). The fine-tuned model is scored beside the same network trained from scratch and beside " +
                       "logistic regression on code counts, age and sex; epochs and the regression's penalty were chosen on the validation patients. " +
                       "95% intervals: bootstrap over test patients." + (demo.Quick ? " This quick run trains far too briefly for BEHRT to show its worth; see bench/RESULTS.md for full runs." : ""))
            .Table(["model", "AUROC", "AUPRC", "Brier", "sensitivity / specificity at the validation threshold"],
                prediction.Models.Select(m => (IReadOnlyList<string>)[m.Model, Ci(m.Auroc), Ci(m.AveragePrecision), Ci(m.Brier!),
                    $"{F(m.Sensitivity ?? double.NaN)} / {F(m.Specificity ?? double.NaN)}"]))
            .Figure(Path.Combine(folder, "outcome", "figures", "calibration.png"), "Calibration on the held-out patients (10 equal-size bins of predicted risk).")
            .Paragraph($"Subtypes: the {subtypes.Patients:N0} held-out patients at risk at the index date, embedded by the pre-trained encoder (mean of its last layer), " +
                       $"clustered by k-means into {subtypes.Subtypes.Count} subtypes ({subtypes.LeidenClusters} Leiden clusters). Heart failure or death after " +
                       $"the index date differs between subtypes: log-rank chi-square {subtypes.KmeansLogRank.ChiSquare:F1} on {subtypes.KmeansLogRank.DegreesOfFreedom} df, " +
                       $"P = {subtypes.KmeansLogRank.P.ToString("G3", CultureInfo.InvariantCulture)}.")
            .Table(["subtype", "patients", "events", "5-year event-free", "most over-represented tokens (odds ratio)"],
                subtypes.Subtypes.Select(s => (IReadOnlyList<string>)[s.Cluster.ToString(CultureInfo.InvariantCulture), s.Patients.ToString(CultureInfo.InvariantCulture),
                    s.Events.ToString(CultureInfo.InvariantCulture), F(s.FiveYearEventFree),
                    string.Join(", ", s.TopCodes.Take(5).Select(c => $"{c.Token} ({c.OddsRatio.ToString("F1", CultureInfo.InvariantCulture)})"))]))
            .Figure(Path.Combine(folder, "subtypes", "figures", "survival_kmeans.png"), "Kaplan-Meier curves of heart failure or death by subtype.")
            .Figure(Path.Combine(folder, "subtypes", "figures", "umap_kmeans.png"), "UMAP of the held-out patients' BEHRT embeddings, by subtype.");
        return result;
    }
}
