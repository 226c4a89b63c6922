using System.CommandLine;
using System.Globalization;
using LabelFree.Cli.Options;
using LabelFree.Core.Errors;
using LabelFree.Workflows.Registration;

namespace LabelFree.Cli.Commands.Register;

/// <summary><c>register eval</c>: Dice per label, folding and seconds per pair of a model, or of the affine alone (<see cref="PairEvaluation"/>).</summary>
public static class RegisterEvalCommand
{
    public static Command Create()
    {
        var model = RunOptions.ModelOption("register train", required: false);
        var affineOnly = new Option<bool>("--affine-only") { Description = "Score the affine registration alone (the baseline)" };
        var pairs = new Option<string>("--pairs") { Description = "Tab-separated pairs file: fixed, moving, fixed_labels, moving_labels[, fixed_mask, moving_mask, affine]", Required = true };
        var refine = new RefineOptions();
        var everyStage = new Option<bool>("--every-stage") { Description = "Also score the network alone and each refinement level (stages.tsv, summary.json)" };
        var run = new RunOptions(seed: false);
        var command = new Command("eval", "Dice, folding and time per pair of a registration model (or the affine alone) on labelled pairs") { model, affineOnly, pairs, everyStage };
        run.AddTo(command);
        refine.AddTo(command);
        command.SetAction(r =>
        {
            if (r.GetValue(model) is null == !r.GetValue(affineOnly)) throw new UserInputException("register eval: give --model or --affine-only (one of them)");
            if (refine.AsksSteps(r) && r.GetValue(affineOnly)) throw new UserInputException("--refine: needs --model (the affine alone has no field to refine)");
            var settings = run.Read(r);
            var summary = PairEvaluation.Run(new PairEvalSettings(r.GetValue(model), r.GetValue(pairs)!, refine.Read(r), r.GetValue(everyStage)), settings, new ConsoleProgress());
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{summary.Method}: {summary.Pairs} pairs, mean Dice {summary.MeanDice:F4}, folding {100 * summary.MeanFoldingFraction:F4}% (max {100 * summary.MaxFoldingFraction:F4}%), {summary.MeanSeconds:F2} s per pair"));
            return CommandLine.Ok;
        });
        return command;
    }
}
