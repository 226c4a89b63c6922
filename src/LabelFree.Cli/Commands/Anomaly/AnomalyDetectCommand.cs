using System.CommandLine;
using LabelFree.Cli.Options;
using LabelFree.Data.Imaging;
using LabelFree.Workflows.Anomaly;

namespace LabelFree.Cli.Commands.Anomaly;

/// <summary><c>anomaly detect</c>: anomaly map and mask of one scan, on the scan's own grid and affine (<see cref="AnomalyDetection"/>).</summary>
public static class AnomalyDetectCommand
{
    public static Command Create()
    {
        var model = RunOptions.ModelOption();
        var input = new Option<string>("--input") { Description = "Scan to examine (NIfTI)", Required = true };
        var mask = new Option<string?>("--mask") { Description = "Its brain mask (default: its non-zero voxels)" }.Sets(BrainMask.BrainMaskSetting);
        var run = new RunOptions(seed: false);
        var masks = new MaskOptions();
        var command = new Command("detect", "Write anomaly_map.nii.gz, anomaly_mask.nii.gz and an overlay montage for one scan") { model, input, mask };
        run.AddTo(command);
        masks.AddTo(command);
        command.SetAction(r =>
        {
            var (opening, clip) = masks.Read(r);
            var settings = run.Read(r);
            var scan = r.GetValue(input)!;
            var result = AnomalyDetection.Run(new AnomalyDetectSettings(r.GetValue(model)!, scan, r.GetValue(mask), opening, clip), settings);
            Console.WriteLine($"{scan}: {result.AnomalousVoxels} anomalous voxels ({result.Seconds:F1} s); wrote {settings.Out}/anomaly_map.nii.gz, anomaly_mask.nii.gz, overlay.png");
            return CommandLine.Ok;
        });
        return command;
    }
}
