using System.CommandLine;
using LabelFree.Cli.Options;
using LabelFree.Data.Imaging;
using LabelFree.Workflows.Imaging;
using LabelFree.Workflows.Registration;

namespace LabelFree.Cli.Commands.Register;

/// <summary><c>register synthesize</c>: held-out pairs (seeded deformations of real brains, labels warped alike) and pairs.tsv (<see cref="HeldOutPairs"/>).</summary>
public static class RegisterSynthesizeCommand
{
    public static Command Create()
    {
        var data = new Option<string[]>("--data") { Description = "Scans (NIfTI files)", Required = true, AllowMultipleArgumentsPerToken = true };
        var masks = new Option<string[]>("--masks") { Description = "Their brain masks, in order (default: non-zero voxels)", AllowMultipleArgumentsPerToken = true }
            .Sets(BrainMask.BrainMaskSetting);
        var labels = new Option<string[]>("--labels") { Description = "Their label maps, in order, on the scans' grids", Required = true, AllowMultipleArgumentsPerToken = true };
        var pairs = new Option<int>("--pairs") { Description = "Pairs per scan", DefaultValueFactory = _ => 3 }.Positive();
        var strength = new Option<double>("--strength")
        {
            Description = $"Deformation strength: a factor on the smooth displacement's SD ({HeldOutPairs.Deformation.DisplacementSdMm} mm at 1)",
            DefaultValueFactory = _ => 1.0,
        }.PositiveFinite();
        var run = new RunOptions(device: false, threads: false);
        var command = new Command("synthesize", "Write held-out registration pairs (seeded deformations of real brains, labels warped alike) and pairs.tsv")
        {
            data, masks, labels, pairs, strength,
        };
        run.AddTo(command);
        command.SetAction(r =>
        {
            var settings = run.Read(r);
            var (written, cross) = HeldOutPairs.Run(new HeldOutPairSettings(ScanList.Expand(r.GetValue(data)!, "data"), r.GetValue(masks), r.GetValue(labels)!, r.GetValue(pairs), r.GetValue(strength)),
                settings.Out, settings.Seed);
            Console.WriteLine($"wrote {written} held-out pairs to {Path.Combine(settings.Out, "pairs.tsv")}{(cross > 0 ? $" and {cross} inter-subject pair(s) to cross.tsv" : "")}");
            return CommandLine.Ok;
        });
        return command;
    }
}
