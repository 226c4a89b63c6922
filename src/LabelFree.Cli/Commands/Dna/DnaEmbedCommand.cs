using System.CommandLine;
using LabelFree.Cli.Options;
using LabelFree.Workflows.Dna;

namespace LabelFree.Cli.Commands.Dna;

/// <summary><c>dna embed</c>: [CLS] and mean embeddings of sequences under a DNA model (<see cref="DnaEmbedding"/>).</summary>
public static class DnaEmbedCommand
{
    public static Command Create()
    {
        var model = DnaOptions.Model();
        var input = new Option<string>("--input") { Description = "Sequences: FASTA, or a CSV/TSV table with a sequence column (plain or gzipped)", Required = true };
        var columns = new DnaOptions.TableColumns();
        var run = new RunOptions();
        var command = new Command("embed", "Embeddings ([CLS] and mean over tokens) of sequences under a DNA model") { model, input };
        columns.AddTo(command);
        run.AddTo(command);
        command.SetAction(r =>
        {
            var settings = run.Read(r);
            var summary = DnaEmbedding.Run(new DnaEmbedSettings(r.GetValue(model)!, r.GetValue(input)!, columns.Read(r)), settings, new ConsoleProgress());
            Console.WriteLine($"embedded {summary.Sequences} sequences in {summary.Dimensions} dimensions: {summary.ClsFile}, {summary.MeanFile}");
            return CommandLine.Ok;
        });
        return command;
    }
}
