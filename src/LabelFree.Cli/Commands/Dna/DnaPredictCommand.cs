using System.CommandLine;
using LabelFree.Cli.Options;
using LabelFree.Workflows.Dna;

namespace LabelFree.Cli.Commands.Dna;

/// <summary><c>dna predict</c>: class probabilities of sequences under a fine-tuned classifier (<see cref="DnaPrediction"/>).</summary>
public static class DnaPredictCommand
{
    public static Command Create()
    {
        var model = DnaOptions.Model();
        var input = new Option<string>("--input") { Description = "Sequences: FASTA or a table (a label column, if present, is scored)", Required = true };
        var columns = new DnaOptions.TableColumns();
        var run = new RunOptions();
        var command = new Command("predict", "Classify sequences with a fine-tuned DNA model: predictions.tsv with class probabilities") { model, input };
        columns.AddTo(command);
        run.AddTo(command);
        command.SetAction(r =>
        {
            var settings = run.Read(r);
            var summary = DnaPrediction.Run(new DnaPredictSettings(r.GetValue(model)!, r.GetValue(input)!, columns.Read(r)), settings, new ConsoleProgress());
            var scored = summary.Scores is { } s ? $", accuracy {s.Accuracy:F3} against the table's labels" : "";
            Console.WriteLine($"classified {summary.Sequences} sequences into {string.Join("/", summary.Classes)}{scored}; {Path.Combine(settings.Out, "predictions.tsv")}");
            return CommandLine.Ok;
        });
        return command;
    }
}
