using System.Globalization;
using System.Text;
using LabelFree.Analysis.Metrics;
using LabelFree.Data.Signals;
using LabelFree.Core.IO;
using LabelFree.Workflows.Runs;

namespace LabelFree.Workflows.Signals;

/// <summary>A trained signals run and a signal to examine.</summary>
public sealed record SignalDetectSettings(string Model, string Input);

/// <summary>What detection found: the samples scored, the stretches above the method's threshold and the samples in them.</summary>
public sealed record SignalDetectResult(int Samples, int Anomalies, int AnomalousSamples);

/// <summary>
/// Scores every sample of a signal with a trained method and its baselines (<see cref="SignalDetectors"/>), for
/// <c>signals detect</c>: DIR/scores.tsv (one row per sample in input order: sample, seconds, the method's score and
/// detection, each baseline's score), DIR/anomalies.tsv (the method's stretches above its threshold) and
/// DIR/figures/detections.png.
/// </summary>
public static class SignalDetection
{
    public static SignalDetectResult Run(SignalDetectSettings settings, RunSettings run)
    {
        var device = run.StartTorch();
        using var detectors = SignalDetectors.Load(settings.Model, device);
        var signal = detectors.Read(settings.Input);
        var scores = detectors.Score(signal);
        var method = scores[0];
        var detected = DetectionMetrics.Detect(method.Scores, method.Threshold);
        var anomalies = SignalLabels.Intervals(detected);

        RunFolder.Start(run.Out, "signals detect", run.Seed, run.DeviceName, settings);
        var seconds = signal.Time ?? signal.Seconds();
        var text = new StringBuilder($"sample\ttime_s\tscore\tdetected\t{string.Join('\t', scores.Skip(1).Select(s => s.Detector))}\n");
        for (var i = 0; i < signal.Length; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{i}\t{seconds[i]:0.######}\t{method.Scores[i]:G6}\t{(detected[i] ? 1 : 0)}");
            foreach (var baseline in scores.Skip(1)) text.Append(CultureInfo.InvariantCulture, $"\t{baseline.Scores[i]:G6}");
            text.Append('\n');
        }
        AtomicFile.WriteAllText(Path.Combine(run.Out, "scores.tsv"), text.ToString());
        SignalLabels.WriteIntervals(Path.Combine(run.Out, "anomalies.tsv"), anomalies.Select(a => a with { Kind = method.Detector }), signal.SamplingRate);
        SignalEvaluation.Figure(Path.Combine(run.Out, "figures", "detections.png"), $"{method.Detector}: scores and detections (shaded) in {Path.GetFileName(settings.Input)}",
            signal, scores, anomalies, "detected by " + method.Detector);
        return new SignalDetectResult(signal.Length, anomalies.Count, detected.Count(d => d));
    }
}
