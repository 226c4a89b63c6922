using System.CommandLine;
using LabelFree.Cli.Options;
using LabelFree.Workflows.Registration;

namespace LabelFree.Cli.Commands.Register;

/// <summary><c>register affine</c>: intensity-based multi-resolution affine registration; writes affine.json and the affinely warped moving scan.</summary>
public static class RegisterAffineCommand
{
    public static Command Create()
    {
        var (fixedScan, moving, fixedMask, movingMask) = (RegisterOptions.Fixed(), RegisterOptions.Moving(), RegisterOptions.FixedMask(), RegisterOptions.MovingMask());
        var run = new RunOptions(seed: false, device: false);  // the affine runs on the CPU
        var command = new Command("affine", "Affine registration (global NCC, multi-resolution) of two brain scans") { fixedScan, moving, fixedMask, movingMask };
        run.AddTo(command);
        command.SetAction(r =>
        {
            var settings = run.Read(r);
            var record = PairApplication.AffineOnly(new PairSettings(r.GetValue(fixedScan)!, r.GetValue(moving)!, r.GetValue(fixedMask), r.GetValue(movingMask)), settings);
            Console.WriteLine($"affine: global NCC {record.FinalNcc:F4} in {record.Seconds:F1} s; {Path.Combine(settings.Out, "affine.json")}");
            return CommandLine.Ok;
        });
        return command;
    }
}
