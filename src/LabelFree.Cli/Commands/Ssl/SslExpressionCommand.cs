using System.CommandLine;
using System.Globalization;
using LabelFree.Cli.Options;
using LabelFree.Workflows.Ssl;

namespace LabelFree.Cli.Commands.Ssl;

/// <summary><c>ssl expression</c>: RNAPath-style expression from tile features on held-out spatial blocks (<see cref="SslExpression"/>).</summary>
public static class SslExpressionCommand
{
    public static Command Create()
    {
        var model = SslImageOptions.Model();
        var visium = SslImageOptions.Visium();
        var run = new RunOptions();
        var command = new Command("expression", "Gene expression from frozen tile features (ridge per gene) on held-out spatial blocks, beside the random encoder and PCA of pixels") { model };
        visium.AddTo(command);
        run.AddTo(command);
        command.SetAction(r =>
        {
            var settings = run.Read(r);
            var metrics = SslExpression.Run(new SslExpressionSettings(r.GetValue(model)!, visium.Read(r)!), settings, new ConsoleProgress());
            var scores = string.Join(", ", metrics.Scores.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Key} {s.Value.MeanR:F3}")));
            Console.WriteLine($"{metrics.Method}: {metrics.Genes} genes, {metrics.TrainSpots} training and {metrics.TestSpots} held-out spots; mean Pearson r {scores}; {Path.Combine(settings.Out, "genes.tsv")}");
            return CommandLine.Ok;
        });
        return command;
    }
}
