using System.CommandLine;
using LabelFree.Cli.Options;
using LabelFree.Core.Progress;
using LabelFree.Data.SingleCell;
using LabelFree.Data.SingleCell.Simulation;

namespace LabelFree.Cli.Commands.Cells;

public sealed record CellsSimulateSettings(string Out, int Cells, int Genes, int CellTypes, int Batches, long Seed);

/// <summary><c>cells simulate</c>: seeded Splatter-like counts with known cell types and batches, as an .h5ad (obs: cell_type, batch).</summary>
public static class CellsSimulateCommand
{
    public static Command Create()
    {
        var output = RunOptions.OutputFileOption("Output .h5ad file");
        var cells = new Option<int>("--cells") { Description = "Number of cells", DefaultValueFactory = _ => 2000 }.Positive();
        var genes = new Option<int>("--genes") { Description = "Number of genes", DefaultValueFactory = _ => 500 }.Positive();
        var types = new Option<int>("--cell-types") { Description = "Number of cell types", DefaultValueFactory = _ => 5 }.Positive();
        var batches = new Option<int>("--batches") { Description = "Number of batches", DefaultValueFactory = _ => 2 }.Positive();
        var seed = RunOptions.SeedOption();
        var command = new Command("simulate", "Simulate counts with known cell types and batch effects (negative binomial, Splatter-like)")
        {
            output, cells, genes, types, batches, seed,
        };
        command.SetAction(r => Run(new CellsSimulateSettings(r.GetValue(output)!, r.GetValue(cells), r.GetValue(genes), r.GetValue(types), r.GetValue(batches), r.GetValue(seed)),
            Console.Out, new ConsoleProgress()));
        return command;
    }

    public static int Run(CellsSimulateSettings settings, TextWriter output, IProgressReporter progress)
    {
        var options = new SimulationOptions { Cells = settings.Cells, Genes = settings.Genes, CellTypes = settings.CellTypes, Batches = settings.Batches }.Validate();
        progress.Info($"simulating {options.Cells:N0} cells x {options.Genes:N0} genes, {options.CellTypes} cell types, {options.Batches} batches");
        var data = CountSimulator.Simulate(options, settings.Seed);
        H5adWriter.Write(settings.Out, data, new Dictionary<string, float[,]>());
        output.WriteLine($"wrote {settings.Out}: {data.Cells} cells x {data.Genes} genes, {data.Counts.NonZeros:N0} non-zero counts; obs columns cell_type, batch");
        return CommandLine.Ok;
    }
}
