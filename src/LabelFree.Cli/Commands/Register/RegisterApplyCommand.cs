using System.CommandLine;
using LabelFree.Analysis.Metrics;
using LabelFree.Core.IO;
using LabelFree.Core.Torch;
using LabelFree.Data.Imaging;
using LabelFree.Learning.Registration;

namespace LabelFree.Cli.Commands.Register;

public sealed record RegisterApplySettings(string Model, string Fixed, string Moving, string? FixedMask, string? MovingMask, string? MovingLabels,
    string? Affine, bool NoAffine, string Out, ComputeDevice Device, int? Threads, int? Refine = null);

/// <summary>What <c>register apply</c> writes to summary.json.</summary>
public sealed record RegisterApplySummary(string Method, double[] FixedToMoving, double FoldingFraction, double MinJacobian, double Seconds, int RefineSteps);

/// <summary>
/// <c>register apply</c>: registers a moving scan onto a fixed one (affine, then the learned model) at the fixed scan's
/// full resolution; writes warped.nii.gz, field.nii.gz (displacement in mm, NIfTI vector intent), jacobian.nii.gz,
/// warped_labels.nii.gz (with --moving-labels) and summary.json.
/// </summary>
public static class RegisterApplyCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Model folder written by register train (RUN/model)", Required = true };
        var fixedScan = new Option<string>("--fixed") { Description = "Fixed scan", Required = true };
        var moving = new Option<string>("--moving") { Description = "Moving scan", Required = true };
        var fixedMask = new Option<string>("--fixed-mask") { Description = "Fixed brain mask (default: non-zero voxels)" };
        var movingMask = new Option<string>("--moving-mask") { Description = "Moving brain mask (default: non-zero voxels)" };
        var labels = new Option<string>("--moving-labels") { Description = "Moving label map, warped with the same transform (nearest neighbour)" };
        var affine = new Option<string>("--affine") { Description = "affine.json from register affine, composed instead of fitting one" };
        var noAffine = new Option<bool>("--no-affine") { Description = "Skip the affine (the scans are already aligned)" };
        var output = new Option<string>("--out") { Description = "Output folder", Required = true };
        var refine = Refinement.Option();
        var device = CommonOptions.Device();
        var threads = CommonOptions.Threads();
        var command = new Command("apply", "Register a scan pair with a trained model and write the warped scan, field and Jacobian")
        {
            model, fixedScan, moving, fixedMask, movingMask, labels, affine, noAffine, output, refine, device, threads,
        };
        command.SetAction(r => Run(new RegisterApplySettings(r.GetValue(model)!, r.GetValue(fixedScan)!, r.GetValue(moving)!, r.GetValue(fixedMask),
            r.GetValue(movingMask), r.GetValue(labels), r.GetValue(affine), r.GetValue(noAffine), r.GetValue(output)!, r.GetValue(device), r.GetValue(threads),
            r.GetValue(refine)), Console.Out));
        return command;
    }

    public static int Run(RegisterApplySettings settings, TextWriter output)
    {
        var refine = Refinement.Resolve(settings.Refine, hasModel: true);
        var device = TorchRuntime.Start(settings.Device, settings.Threads);
        using var model = DeformableModels.Load(settings.Model, device);
        var (fixedImage, fixedMask) = RegistrationFiles.Scan(settings.Fixed, settings.FixedMask, "--fixed");
        var (moving, movingMask) = RegistrationFiles.Scan(settings.Moving, settings.MovingMask, "--moving");
        var labels = settings.MovingLabels is null ? null : RegistrationFiles.Labels(settings.MovingLabels, moving, "--moving-labels");
        var given = settings.Affine is not null ? RegistrationFiles.ReadAffine(settings.Affine) : settings.NoAffine ? Affine.Identity() : null;
        var pair = PairRegistration.Run(model, fixedImage, fixedMask, moving, movingMask, labels, AffineOptions.Default, given, device, refine);
        var jacobian = RegistrationFiles.Jacobian(pair.Field);
        RegistrationFiles.WriteOutputs(settings.Out, fixedImage, pair, jacobian);
        var folding = RegistrationMetrics.FoldingFraction(jacobian, fixedMask);
        Json.Write(Path.Combine(settings.Out, "summary.json"), new RegisterApplySummary(model.Method, pair.FixedToMoving, folding,
            jacobian.Where((_, i) => fixedMask[i]).DefaultIfEmpty(1f).Min(), pair.Seconds, refine?.Steps ?? 0));
        output.WriteLine($"registered with {model.Method} in {pair.Seconds:F1} s; folding {100 * folding:F3}% of brain voxels; outputs in {settings.Out}");
        return CommandLine.Ok;
    }
}
