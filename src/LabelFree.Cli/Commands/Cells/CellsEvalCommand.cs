using System.CommandLine;
using System.Globalization;
using LabelFree.Cli.Options;
using LabelFree.Workflows.Cells;

namespace LabelFree.Cli.Commands.Cells;

/// <summary><c>cells eval</c>: scVI against the standard PCA baseline on labelled counts: ARI, NMI and batch mixing (<see cref="ScviEvaluation"/>).</summary>
public static class CellsEvalCommand
{
    public static Command Create()
    {
        var model = RunOptions.ModelOption();
        var input = new Option<string>("--input") { Description = "Counts with known labels: an .h5ad (or 10x data with the columns added)", Required = true };
        var batchKey = new Option<string>("--batch-key") { Description = "obs column of the batches", Required = true };
        var labelsKey = new Option<string>("--labels-key") { Description = "obs column of the known cell types", Required = true };
        var layer = CellsOptions.Layer();
        var run = new RunOptions();
        var command = new Command("eval", "Score scVI against the PCA baseline: ARI, NMI and batch mixing") { model, input, batchKey, labelsKey, layer };
        run.AddTo(command);
        command.SetAction(r =>
        {
            var settings = run.Read(r);
            var metrics = ScviEvaluation.Run(new ScviEvalSettings(r.GetValue(model)!, r.GetValue(input)!, r.GetValue(batchKey)!, r.GetValue(labelsKey)!, r.GetValue(layer)),
                settings, new ConsoleProgress());
            Console.WriteLine($"{"",-14}{"ARI leiden",12}{"NMI leiden",12}{"ARI kmeans",12}{"NMI kmeans",12}{"batch mixing",14}");
            foreach (var (name, s) in new[] { ("scVI", metrics.Scvi), ("PCA baseline", metrics.BaselinePca) })
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-14}{s.AriLeiden,12:F3}{s.NmiLeiden,12:F3}{s.AriKmeans,12:F3}{s.NmiKmeans,12:F3}{s.BatchEntropy,14:F3}"));
            Console.WriteLine($"metrics: {Path.Combine(settings.Out, "metrics.json")}");
            return CommandLine.Ok;
        });
        return command;
    }
}
