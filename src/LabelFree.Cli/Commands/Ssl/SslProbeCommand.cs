using System.CommandLine;
using System.Globalization;
using LabelFree.Cli.Options;
using LabelFree.Workflows.Ssl;

namespace LabelFree.Cli.Commands.Ssl;

/// <summary><c>ssl probe</c>: linear and k-NN probes on frozen features beside a random encoder and PCA of pixels (<see cref="SslProbing"/>).</summary>
public static class SslProbeCommand
{
    public static Command Create()
    {
        var model = SslImageOptions.Model();
        var train = SslImageOptions.Paths("--train", "Labelled training images: class sub-folders of PNG/JPEG, or NIfTI volumes with --labels");
        var test = SslImageOptions.Paths("--test", "Labelled test images, as --train");
        var trainSide = SslImageOptions.Side("--train-hemisphere", "training");
        var testSide = SslImageOptions.Side("--test-hemisphere", "test");
        var inputs = new SslImageOptions();
        var run = new RunOptions();
        var command = new Command("probe", "Linear and k-NN probes on frozen features, beside the random-weight encoder and PCA of the pixels") { model, train, test, trainSide, testSide };
        inputs.AddTo(command);
        run.AddTo(command);
        command.SetAction(r =>
        {
            var settings = run.Read(r);
            var metrics = SslProbing.Run(new SslProbeSettings(r.GetValue(model)!, inputs.Read(r, r.GetValue(train)!, r.GetValue(trainSide), mirrorable: false),
                inputs.Read(r, r.GetValue(test)!, r.GetValue(testSide))), settings, new ConsoleProgress());
            var scores = string.Join(", ", metrics.Scores.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Key} {s.Value.BalancedAccuracy:F3}")));
            Console.WriteLine($"{metrics.Method}: {metrics.Train} training, {metrics.Test} test images, {metrics.Classes.Count} classes; balanced accuracy {scores}; {Path.Combine(settings.Out, "metrics.json")}");
            return CommandLine.Ok;
        });
        return command;
    }
}
