using System.CommandLine;
using LabelFree.Cli.Options;
using LabelFree.Data.Imaging;
using LabelFree.Workflows.Anomaly;
using LabelFree.Workflows.Imaging;

namespace LabelFree.Cli.Commands.Anomaly;

/// <summary>
/// <c>anomaly synthesize</c>: seeded deformed copies of healthy scans, optionally with synthetic lesions, and their masks,
/// ready for <c>anomaly eval --brain-masks ... --masks ...</c> (<see cref="HealthySynthesis"/>).
/// </summary>
public static class AnomalySynthesizeCommand
{
    public static Command Create()
    {
        var data = new Option<string[]>("--data") { Description = "Healthy scans: NIfTI files or folders", Required = true, AllowMultipleArgumentsPerToken = true };
        var masks = new Option<string[]>("--masks") { Description = "Their brain masks (default: non-zero voxels)", AllowMultipleArgumentsPerToken = true }
            .Sets(BrainMask.BrainMaskSetting);
        var copies = new Option<int>("--copies") { Description = "Deformed copies per scan", DefaultValueFactory = _ => 4 }.Positive();
        var lesions = new Option<bool>("--lesions") { Description = "Also add synthetic lesions (darker than the tissue) and write their masks" };
        var mixed = new Option<bool>("--mixed-lesions")
        {
            Description = "With --lesions: lesions of every kind (darker, brighter, textured), contrast and size (4-15 mm); the mask's value is the kind (2, 3, 4)",
        };
        var run = new RunOptions(device: false, threads: false);
        var command = new Command("synthesize", "Write seeded deformed copies of healthy scans (optionally with synthetic lesions) and their masks") { data, masks, copies, lesions, mixed };
        run.AddTo(command);
        command.SetAction(r =>
        {
            var settings = run.Read(r);
            var withLesions = r.GetValue(lesions) || r.GetValue(mixed);
            var written = HealthySynthesis.Run(new HealthySynthesisSettings(ScanList.Expand(r.GetValue(data)!, "data"), r.GetValue(masks), r.GetValue(copies), withLesions,
                r.GetValue(mixed)), settings.Out, settings.Seed);
            Console.WriteLine($"wrote {written} volumes to {settings.Out} (brain masks in brain_masks/{(withLesions ? ", lesion masks in lesion_masks/" : "")})");
            return CommandLine.Ok;
        });
        return command;
    }
}
