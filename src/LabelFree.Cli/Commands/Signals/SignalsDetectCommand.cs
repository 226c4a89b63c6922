using System.CommandLine;
using LabelFree.Cli.Options;
using LabelFree.Workflows.Signals;

namespace LabelFree.Cli.Commands.Signals;

/// <summary><c>signals detect</c>: per-sample anomaly scores and detected stretches of a signal (<see cref="SignalDetection"/>).</summary>
public static class SignalsDetectCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Run folder of signals train", Required = true };
        var input = new Option<string>("--input") { Description = "Signal table with the channels the model was trained on", Required = true };
        var run = new RunOptions("Output folder (scores.tsv, anomalies.tsv, figures/detections.png)", seed: false);
        var command = new Command("detect", "Score every sample of a signal with a trained model and both baselines; write the stretches above the model's threshold") { model, input };
        run.AddTo(command);
        command.SetAction(r =>
        {
            var settings = run.Read(r);
            var result = SignalDetection.Run(new SignalDetectSettings(r.GetValue(model)!, r.GetValue(input)!), settings);
            Console.WriteLine($"scored {result.Samples:N0} samples: {result.Anomalies} anomalous stretches ({result.AnomalousSamples:N0} samples); outputs in {settings.Out}");
            return CommandLine.Ok;
        });
        return command;
    }
}
