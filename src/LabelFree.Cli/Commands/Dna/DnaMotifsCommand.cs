using System.CommandLine;
using LabelFree.Analysis.Sequences;
using LabelFree.Cli.Options;
using LabelFree.Workflows.Dna;

namespace LabelFree.Cli.Commands.Dna;

/// <summary><c>dna motifs</c>: DNABERT's attention motif analysis on a labelled table (<see cref="DnaMotifs"/>).</summary>
public static class DnaMotifsCommand
{
    public static Command Create()
    {
        var defaults = new MotifSearchOptions();
        var model = DnaOptions.Model();
        var input = new Option<string>("--input") { Description = "Labelled table: positives and background sequences", Required = true };
        var positive = new Option<string?>("--positive") { Description = "Label of the positive sequences (default: 1 when the labels are 0/1)" };
        var minLength = new Option<int>("--min-length") { Description = $"Shortest high-attention region (default {defaults.MinLength})", DefaultValueFactory = _ => defaults.MinLength }.Positive();
        var windowSize = new Option<int>("--window-size") { Description = $"Motif window (default {defaults.WindowSize})", DefaultValueFactory = _ => defaults.WindowSize }.Positive();
        var cutoff = new Option<double>("--q-cutoff") { Description = $"Largest BH-adjusted enrichment p-value (default {defaults.QValueCutoff})", DefaultValueFactory = _ => defaults.QValueCutoff }
            .PositiveFinite().Sets("q_value_cutoff");
        var minInstances = new Option<int>("--min-instances") { Description = $"Fewest instances per motif (default {defaults.MinInstances})", DefaultValueFactory = _ => defaults.MinInstances }.Positive();
        var overMinimum = new Option<double>("--over-minimum")
        {
            Description = $"A high-attention base scores above this many times the sequence's lowest score (default {defaults.OverMinimum}, for a fine-tuned model's peaked attention)",
            DefaultValueFactory = _ => defaults.OverMinimum,
        }.NonNegative();
        var columns = new DnaOptions.TableColumns();
        var run = new RunOptions();
        var command = new Command("motifs", "DNABERT's attention motif analysis: enriched high-attention regions as position frequency matrices and logos")
            { model, input, positive, minLength, windowSize, cutoff, minInstances, overMinimum };
        columns.AddTo(command);
        run.AddTo(command);
        command.SetAction(r =>
        {
            var settings = run.Read(r);
            var search = new MotifSearchOptions(r.GetValue(minLength), r.GetValue(windowSize), r.GetValue(cutoff), r.GetValue(minInstances), r.GetValue(overMinimum));
            var summary = DnaMotifs.Run(new DnaMotifSettings(r.GetValue(model)!, r.GetValue(input)!, r.GetValue(positive), columns.Read(r), search), settings, new ConsoleProgress());
            var top = summary.Motifs.Take(3).Select(m => $"{m.Motif} ({m.Instances}, q {m.QValue:G2})");
            Console.WriteLine($"{summary.Motifs.Count} motifs from {summary.Positives} positives against {summary.Negatives} background sequences{(summary.Motifs.Count > 0 ? ": " + string.Join(", ", top) : "")}; {Path.Combine(settings.Out, "motifs.tsv")}");
            return CommandLine.Ok;
        });
        return command;
    }
}
