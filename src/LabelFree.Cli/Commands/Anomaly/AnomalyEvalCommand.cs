using System.CommandLine;
using LabelFree.Cli.Options;
using LabelFree.Data.Imaging;
using LabelFree.Workflows.Anomaly;
using LabelFree.Workflows.Imaging;

namespace LabelFree.Cli.Commands.Anomaly;

/// <summary><c>anomaly eval</c>: Dice of the anomaly mask, AUROC and AP of the anomaly score, per scan and mean ± sd (<see cref="AnomalyEvaluation"/>).</summary>
public static class AnomalyEvalCommand
{
    public static Command Create()
    {
        var model = RunOptions.ModelOption();
        var data = new Option<string[]>("--data") { Description = "Scans: NIfTI files or folders", Required = true, AllowMultipleArgumentsPerToken = true };
        var masks = new Option<string[]>("--masks") { Description = "Lesion masks, one per scan (a folder pairs by file name)", AllowMultipleArgumentsPerToken = true }
            .Sets("lesion_masks");
        var brainMasks = new Option<string[]>("--brain-masks") { Description = "Brain masks, one per scan (default: non-zero voxels)", AllowMultipleArgumentsPerToken = true }
            .Sets(BrainMask.BrainMaskSetting);
        var synthetic = new Option<int>("--synthetic-lesions") { Description = "Instead of --masks: add synthetic lesions to each scan, this many lesioned copies per scan" }
            .NonNegative();
        var run = new RunOptions();
        var maskOptions = new MaskOptions();
        var command = new Command("eval", "Evaluate anomaly maps against lesion masks (or synthetic lesions): Dice, AUROC, AP") { model, data, masks, brainMasks, synthetic };
        run.AddTo(command);
        maskOptions.AddTo(command);
        command.SetAction(r =>
        {
            var (opening, clip) = maskOptions.Read(r);
            var settings = run.Read(r);
            var summary = AnomalyEvaluation.Run(new AnomalyEvalSettings(r.GetValue(model)!, ScanList.Expand(r.GetValue(data)!, "data"), r.GetValue(masks),
                r.GetValue(brainMasks), r.GetValue(synthetic), opening, clip), settings, new ConsoleProgress());
            Console.WriteLine($"{summary.Cases} cases: Dice {summary.Dice.Mean:F3} ± {summary.Dice.Sd:F3}, AUROC {summary.Auroc.Mean:F3} ± {summary.Auroc.Sd:F3}, " +
                              $"AP {summary.AveragePrecision.Mean:F3} ± {summary.AveragePrecision.Sd:F3}, {summary.SecondsPerScan:F1} s per scan");
            return CommandLine.Ok;
        });
        return command;
    }
}
