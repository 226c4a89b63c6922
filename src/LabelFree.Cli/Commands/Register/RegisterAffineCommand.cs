using System.CommandLine;
using System.Diagnostics;
using LabelFree.Core.IO;
using LabelFree.Core.Torch;
using LabelFree.Data.Imaging;
using LabelFree.Learning.Registration;

namespace LabelFree.Cli.Commands.Register;

public sealed record RegisterAffineSettings(string Fixed, string Moving, string? FixedMask, string? MovingMask, string Out, int? Threads);

/// <summary><c>register affine</c>: intensity-based multi-resolution affine registration; writes affine.json and the affinely warped moving scan.</summary>
public static class RegisterAffineCommand
{
    public static Command Create()
    {
        var fixedScan = new Option<string>("--fixed") { Description = "Fixed (reference) scan", Required = true };
        var moving = new Option<string>("--moving") { Description = "Moving scan, registered onto the fixed one", Required = true };
        var fixedMask = new Option<string>("--fixed-mask") { Description = "Fixed brain mask (default: non-zero voxels of a skull-stripped scan)" };
        var movingMask = new Option<string>("--moving-mask") { Description = "Moving brain mask (default: non-zero voxels)" };
        var output = new Option<string>("--out") { Description = "Output folder", Required = true };
        var threads = CommonOptions.Threads();
        var command = new Command("affine", "Affine registration (global NCC, multi-resolution) of two brain scans")
        {
            fixedScan, moving, fixedMask, movingMask, output, threads,
        };
        command.SetAction(r => Run(new RegisterAffineSettings(r.GetValue(fixedScan)!, r.GetValue(moving)!, r.GetValue(fixedMask), r.GetValue(movingMask),
            r.GetValue(output)!, r.GetValue(threads)), Console.Out));
        return command;
    }

    public static int Run(RegisterAffineSettings settings, TextWriter output)
    {
        var device = TorchRuntime.Start(ComputeDevice.Cpu, settings.Threads);
        var (fixedImage, fixedMask) = RegistrationFiles.Scan(settings.Fixed, settings.FixedMask, "--fixed");
        var (moving, movingMask) = RegistrationFiles.Scan(settings.Moving, settings.MovingMask, "--moving");
        var clock = Stopwatch.StartNew();
        var result = AffineRegistration.Register(fixedImage, fixedMask, moving, movingMask, AffineOptions.Default, device);
        var seconds = clock.Elapsed.TotalSeconds;
        var field = DisplacementField.Compose(fixedImage, null, [1, 1, 1], Affine.Identity(), result.FixedToMoving);
        Directory.CreateDirectory(settings.Out);
        NiftiWriter.Write(Path.Combine(settings.Out, "warped.nii.gz"), (fixedImage with { Shape = fixedImage.Shape.Take(3).ToArray() }).WithData(field.Warp(moving, Interpolation.Linear)));
        Json.Write(Path.Combine(settings.Out, "affine.json"), new AffineRecord(settings.Fixed, settings.Moving, result.FixedToMoving, result.FinalNcc, seconds));
        output.WriteLine($"affine: global NCC {result.FinalNcc:F4} in {seconds:F1} s; {Path.Combine(settings.Out, "affine.json")}");
        return CommandLine.Ok;
    }
}
