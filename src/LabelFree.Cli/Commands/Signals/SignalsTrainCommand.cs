using System.CommandLine;
using LabelFree.Cli.Options;
using LabelFree.Learning.Methods.AnomalyTransformer;
using LabelFree.Workflows.Signals;

namespace LabelFree.Cli.Commands.Signals;

/// <summary><c>signals train</c>: the Anomaly Transformer or MAAT on a normal signal, thresholds on its held-out end (<see cref="SignalTraining"/>).</summary>
public static class SignalsTrainCommand
{
    public static Command Create()
    {
        var file = new SignalFileOptions();
        var method = new Option<string>("--method") { Description = "anomaly-transformer (Xu et al. 2022) or maat (with a gated Mamba block after each layer)", Required = true };
        method.OneOf("anomaly-transformer", "maat");
        var size = new Option<string>("--size") { Description = "small (width 64, 4 heads; for CPUs) or paper (width 512, 8 heads)", DefaultValueFactory = _ => "small" };
        size.OneOf("small", "paper");
        var window = new Option<int>("--window") { Description = "Samples per window (the paper's 100)", DefaultValueFactory = _ => 100 }.Positive();
        var stride = new Option<int>("--stride") { Description = "Samples between training windows (the reference's 1)", DefaultValueFactory = _ => 1 }.Positive();
        var (from, until) = SignalFileOptions.Part(0, 1, "assumed normal");
        var validation = new Option<double>("--validation") { Description = "Share of the part's end held out as normal samples for early stopping and thresholds", DefaultValueFactory = _ => 0.2 };
        var ratio = new Option<double>("--anomaly-ratio") { Description = "Percentage of held-out normal samples each threshold flags (the reference's 1)", DefaultValueFactory = _ => 1.0 };
        var run = new RunOptions("Run folder (model/, detector.json, metrics.jsonl, checkpoints/, figures/)");
        var train = new TrainOptions(AnomalyTransformer.DefaultTraining(0), learningRateNote: "the reference's 1e-4");
        var command = new Command("train", "Train the Anomaly Transformer or MAAT on a signal assumed normal; thresholds for it and both baselines come from its held-out end")
        {
            method, size, window, stride, from, until, validation, ratio,
        };
        file.AddTo(command);
        run.AddTo(command);
        train.AddTo(command);
        command.SetAction(r =>
        {
            var settings = run.Read(r);
            var flags = train.Read(r);
            var summary = SignalTraining.Run(new SignalTrainSettings(file.Read(r), flags.ApplyTo(AnomalyTransformer.DefaultTraining(settings.Seed)),
                r.GetValue(method) == "maat" ? SignalMethod.Maat : SignalMethod.AnomalyTransformer, r.GetValue(size) == "paper" ? SignalModelSize.Paper : SignalModelSize.Small,
                r.GetValue(window), r.GetValue(from), r.GetValue(until), r.GetValue(validation), r.GetValue(ratio), r.GetValue(stride)), settings, flags.Resume, new ConsoleProgress());
            Console.WriteLine($"trained {summary.Method} for {summary.Steps} steps on {summary.TrainSamples:N0} samples ({summary.WindowsPerSecond:F0} windows/s), " +
                              $"final loss {summary.FinalLoss:G4}, best held-out {summary.BestValidationLoss:G4}; thresholds from {summary.ValidationSamples:N0} held-out samples; run: {settings.Out}");
            return CommandLine.Ok;
        });
        return command;
    }
}
