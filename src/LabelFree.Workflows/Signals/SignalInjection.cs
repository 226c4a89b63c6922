using LabelFree.Core.Randomness;
using LabelFree.Data.Signals;
using LabelFree.Reports.Figures;
using LabelFree.Workflows.Runs;

namespace LabelFree.Workflows.Signals;

/// <summary>What to inject anomalies into: the signal, the part of it (fractions of its samples; by default the second half, held out from a model trained on the first) and what to inject.</summary>
public sealed record SignalInjectSettings(SignalSource Input, InjectionOptions Anomalies, double From = 0.5, double Until = 1);

/// <summary>What injection wrote.</summary>
public sealed record SignalInjectResult(string Signal, string Labels, int Samples, int Anomalies, int AnomalousSamples);

/// <summary>
/// Seeded synthetic anomalies with exact labels in a part of a real signal (<see cref="SyntheticAnomalies"/>), for
/// <c>signals inject</c> and the demo: DIR/signal.csv (the part, with a time column when the source has one or a
/// sampling rate), DIR/labels.tsv (one row per anomaly: start and end sample in signal.csv, end exclusive, seconds,
/// kind and channel) and DIR/figures/injected.png.
/// </summary>
public static class SignalInjection
{
    public static SignalInjectResult Run(SignalInjectSettings settings, RunSettings run, string command = "signals inject")
    {
        var options = settings.Anomalies.Validate();
        var (_, _, part) = settings.Input.Read().Part(settings.From, settings.Until);
        if (part.Time is null && part.SamplingRate is { } hz) part = part with { Time = part.Seconds() };
        var injected = SyntheticAnomalies.Inject(part, options, Rng.For(run.Seed, "signals inject"));
        RunFolder.Start(run.Out, command, run.Seed, run.DeviceName, settings);
        var (signalPath, labelsPath) = (Path.Combine(run.Out, "signal.csv"), Path.Combine(run.Out, "labels.tsv"));
        SignalWriter.WriteCsv(signalPath, injected.Signal);
        SignalLabels.WriteIntervals(labelsPath, injected.Anomalies, part.SamplingRate);
        SignalChart.SavePng(Path.Combine(run.Out, "figures", "injected.png"), $"{injected.Anomalies.Count} injected anomalies in {Path.GetFileName(settings.Input.Path)}",
            injected.Signal.Time ?? part.Seconds(), part.SamplingRate is null ? "sample" : "seconds",
            injected.Signal.Channels.Select((c, k) => new SignalTrack(c, injected.Signal.Values[k])).ToList(),
            injected.Anomalies.Select(a => (a.Start, a.End)).ToList(), "injected anomaly");
        return new SignalInjectResult(signalPath, labelsPath, part.Length, injected.Anomalies.Count, injected.Labels.Count(l => l));
    }
}
