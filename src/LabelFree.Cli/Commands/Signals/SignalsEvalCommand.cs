using System.CommandLine;
using LabelFree.Cli.Options;
using LabelFree.Workflows.Signals;

namespace LabelFree.Cli.Commands.Signals;

/// <summary><c>signals eval</c>: a trained model beside both baselines on a labelled signal (<see cref="SignalEvaluation"/>).</summary>
public static class SignalsEvalCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Run folder of signals train", Required = true };
        var input = new Option<string>("--input") { Description = "Signal table with the channels the model was trained on", Required = true };
        var labels = new Option<string>("--labels") { Description = "Labels: intervals (columns start, end; zero-based samples, end exclusive) or one 0/1 row per sample (column label)", Required = true };
        var run = new RunOptions("Output folder (metrics.json, metrics.tsv, figures/scores.png)", seed: false);
        var command = new Command("eval", "Score a labelled signal with a trained model and both baselines: AUROC, AUPRC, F1 without point adjustment, range F1") { model, input, labels };
        run.AddTo(command);
        command.SetAction(r =>
        {
            var settings = run.Read(r);
            var report = SignalEvaluation.Run(new SignalEvalSettings(r.GetValue(model)!, r.GetValue(input)!, r.GetValue(labels)!), settings);
            Console.WriteLine($"{report.Samples:N0} samples, {report.Anomalies} labelled stretches ({report.AnomalousSamples:N0} samples); thresholds flag {report.AnomalyRatio}% of held-out normal samples");
            Console.WriteLine(report.Table());
            return CommandLine.Ok;
        });
        return command;
    }
}
