using System.Globalization;
using LabelFree.Core.IO;
using LabelFree.Core.Progress;
using LabelFree.Data.Signals;
using LabelFree.Learning.Methods.AnomalyTransformer;
using LabelFree.Reports.Html;
using LabelFree.Workflows.Signals;

namespace LabelFree.Cli.Commands.Demo;

/// <summary>One bundled signal's result: each method's training and the evaluation of every detector on the injected part.</summary>
public sealed record SignalsDemoDataset(string Name, SignalInjectResult Injected, IReadOnlyList<SignalTrainSummary> Training, IReadOnlyList<DetectorEvaluation> Detectors,
    IReadOnlyDictionary<string, string> Best);

/// <summary>What the demo's signals part found.</summary>
public sealed record SignalsDemoResult(IReadOnlyList<SignalsDemoDataset> Datasets);

/// <summary>
/// The demo's signals part: on each bundled signal, the Anomaly Transformer and MAAT trained on its first half (the
/// last fifth of it held out for early stopping and thresholds), seeded synthetic anomalies of every kind injected into
/// its second half, and both methods scored there beside the moving-median and nearest-window baselines without point
/// adjustment. Quick: the ECG only, with short training; full: the ECG and the 4-channel EEG with the default training.
/// </summary>
public static class SignalsPipeline
{
    public static SignalsDemoResult Run(DemoSettings demo, HtmlReport report, IProgressReporter progress)
    {
        var folder = Path.Combine(demo.Out, "signals");
        // The ECG has a time column; the EEG's file has none, so its rate is given.
        var signals = new List<(string Name, string Folder, SignalSource Source)>
        {
            ("ECG, MIT-BIH record 208 (360 Hz)", "mitbih208", new SignalSource(DataFolder.File("signals/mitbih208_mlii_360hz.csv.gz"))),
        };
        if (!demo.Quick) signals.Add(("EEG, 4 channels (256 Hz)", "eeg", new SignalSource(DataFolder.File("signals/eeg_motor_imagery_256hz.csv.gz"), SamplingRate: 256)));
        var (datasets, figures) = (new List<SignalsDemoDataset>(), new List<string>());
        foreach (var (name, subfolder, source) in signals)
        {
            var dataFolder = Path.Combine(folder, subfolder);
            progress.Info($"signals: injecting anomalies into the second half of {name}");
            var injected = SignalInjection.Run(new SignalInjectSettings(source, new InjectionOptions()), demo.In(Path.Combine(dataFolder, "injected")), "demo signals inject");
            var (training, evaluations) = (new List<SignalTrainSummary>(), new List<DetectorEvaluation>());
            foreach (var method in new[] { SignalMethod.AnomalyTransformer, SignalMethod.Maat })
            {
                // Quick: a few hundred windows of training, enough to run every step; full: the default (at most 2,000 steps, early stopping).
                var steps = demo.Steps ?? (demo.Quick ? (method == SignalMethod.Maat ? 40 : 100) : null);
                var options = AnomalyTransformer.DefaultTraining(demo.Seed) with { MaxSteps = steps ?? AnomalyTransformer.DefaultTraining(demo.Seed).MaxSteps };
                var methodName = method == SignalMethod.Maat ? "maat" : "anomaly-transformer";
                var runFolder = Path.Combine(dataFolder, methodName);
                progress.Info($"signals: training {methodName} on the first half of {name}");
                training.Add(SignalTraining.Run(new SignalTrainSettings(source, options, method, Until: 0.5), demo.In(runFolder), demo.Resume, progress, "demo signals train"));
                var eval = SignalEvaluation.Run(new SignalEvalSettings(runFolder, injected.Signal, injected.Labels), demo.In(Path.Combine(runFolder, "eval")), "demo signals eval");
                evaluations.AddRange(evaluations.Count == 0 ? eval.Detectors : eval.Detectors.Take(1));
            }
            // Baselines are fitted on the same samples for both methods, so the first evaluation's stand for both; the method rows come first.
            var ordered = evaluations.OrderBy(e => e.Detector is SignalDetectors.MovingMedian or SignalDetectors.NearestWindow).ToList();
            datasets.Add(new SignalsDemoDataset(name, injected, training, ordered, SignalEvaluation.Winners(ordered)));
            figures.Add(Path.Combine(dataFolder, "anomaly-transformer", "eval", "figures", "scores.png"));
        }
        var result = new SignalsDemoResult(datasets);
        Json.Write(Path.Combine(folder, "summary.json"), result);

        static string F(double v) => v.ToString("F3", CultureInfo.InvariantCulture);
        var section = report.Section("Signals: Anomaly Transformer and MAAT, scored without point adjustment")
            .Paragraph("The Anomaly Transformer (Xu et al., ICLR 2022) and MAAT (the same with a gated Mamba block after each layer) were trained on the first " +
                       "half of each signal, assumed normal; each detector's threshold flags 1% of the held-out normal samples at the end of that half, so no " +
                       "threshold sees a test label. Seeded synthetic anomalies (spikes, level shifts, frequency changes, widened beats, trends) were injected " +
                       "into the second half. Columns: AUROC and AUPRC over every sample, the best F1 over all thresholds (an upper bound that looks at the " +
                       "labels), F1 and range-based F1 (Tatbul et al. 2018) at the chosen threshold, and F1 after point adjustment (a labelled stretch counts " +
                       "as found when one sample is), shown only because the papers report it. Baselines: the moving-median residual (Wu and Keogh 2021) and " +
                       "the distance of each window to the nearest training window." + (demo.Quick ? " This quick run trains far too briefly; see bench/RESULTS.md for full runs." : ""));
        foreach (var (d, figure) in datasets.Zip(figures))
        {
            section.Paragraph($"{d.Name}: {d.Injected.Anomalies} anomalies over {d.Injected.AnomalousSamples:N0} of {d.Injected.Samples:N0} held-out samples; " +
                              $"training {string.Join(", ", d.Training.Select(t => $"{t.Method} {t.Steps} steps"))}. Best: {string.Join("; ", d.Best.Select(b => $"{b.Key} {b.Value}"))}.")
                .Table(["detector", "AUROC", "AUPRC", "best F1", "F1", "range F1", "point-adjusted F1 (papers only)", "threshold"],
                    d.Detectors.Select(e => (IReadOnlyList<string>)[e.Detector, F(e.Scores.Auroc), F(e.Scores.Auprc), F(e.Scores.BestF1.F1), F(e.Scores.AtThreshold.F1),
                        F(e.Scores.RangeBased.F1), F(e.Scores.PointAdjusted.F1), e.Threshold.ToString("G4", CultureInfo.InvariantCulture)]));
            section.Figure(figure, $"{d.Name}: the held-out half with injected anomalies shaded, and each detector's scores with its threshold (dashed).");
        }
        return result;
    }
}
