using System.CommandLine;
using LabelFree.Cli.Options;
using LabelFree.Workflows.Dna;

namespace LabelFree.Cli.Commands.Dna;

/// <summary><c>dna probe</c>: linear probes on frozen embeddings beside the k-mer spectrum baseline (<see cref="DnaProbing"/>).</summary>
public static class DnaProbeCommand
{
    public static Command Create()
    {
        var model = DnaOptions.Model();
        var train = new Option<string>("--train") { Description = "Labelled table to fit the probes on", Required = true };
        var test = new Option<string?>("--test") { Description = "Labelled table to score them on (default: cross-validation of --train)" };
        var folds = new Option<int>("--folds") { Description = "Cross-validation folds when there is no --test", DefaultValueFactory = _ => 5 };
        var columns = new DnaOptions.TableColumns();
        var run = new RunOptions();
        var command = new Command("probe", "Linear probes on frozen DNA embeddings, beside a k-mer spectrum baseline") { model, train, test, folds };
        columns.AddTo(command);
        run.AddTo(command);
        command.SetAction(r =>
        {
            var settings = run.Read(r);
            var metrics = DnaProbing.Run(new DnaProbeSettings(r.GetValue(model)!, new DnaEvaluationData(r.GetValue(train)!, r.GetValue(test), r.GetValue(folds), columns.Read(r))),
                settings, new ConsoleProgress());
            Console.WriteLine($"{metrics.Protocol}: {DnaCommand.Accuracies(metrics)}; {Path.Combine(settings.Out, "metrics.json")}");
            return CommandLine.Ok;
        });
        return command;
    }
}
