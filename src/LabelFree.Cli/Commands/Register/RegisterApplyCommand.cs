using System.CommandLine;
using LabelFree.Cli.Options;
using LabelFree.Workflows.Registration;

namespace LabelFree.Cli.Commands.Register;

/// <summary>
/// <c>register apply</c>: registers a moving scan onto a fixed one (affine, then the learned model) at the fixed scan's
/// full resolution; writes warped.nii.gz, field.nii.gz (displacement in mm, NIfTI vector intent), jacobian.nii.gz,
/// warped_labels.nii.gz (with --moving-labels) and summary.json (<see cref="PairApplication"/>).
/// </summary>
public static class RegisterApplyCommand
{
    public static Command Create()
    {
        var model = RunOptions.ModelOption("register train");
        var (fixedScan, moving, fixedMask, movingMask) = (RegisterOptions.Fixed(), RegisterOptions.Moving(), RegisterOptions.FixedMask(), RegisterOptions.MovingMask());
        var labels = new Option<string>("--moving-labels") { Description = "Moving label map, warped with the same transform (nearest neighbour)" };
        var affine = new Option<string>("--affine") { Description = "affine.json from register affine, composed instead of fitting one" };
        var noAffine = new Option<bool>("--no-affine") { Description = "Skip the affine (the scans are already aligned)" };
        var refine = new RefineOptions();
        var run = new RunOptions(seed: false);
        var command = new Command("apply", "Register a scan pair with a trained model and write the warped scan, field and Jacobian")
        {
            model, fixedScan, moving, fixedMask, movingMask, labels, affine, noAffine,
        };
        run.AddTo(command);
        refine.AddTo(command);
        command.SetAction(r =>
        {
            var settings = run.Read(r);
            var pair = new PairSettings(r.GetValue(fixedScan)!, r.GetValue(moving)!, r.GetValue(fixedMask), r.GetValue(movingMask), r.GetValue(labels),
                r.GetValue(affine), r.GetValue(noAffine));
            var summary = PairApplication.Apply(r.GetValue(model)!, pair, refine.Read(r), settings);
            Console.WriteLine($"registered with {summary.Method} (refined to {summary.Stage}) in {summary.Seconds:F1} s; folding {100 * summary.FoldingFraction:F3}% of brain voxels; outputs in {settings.Out}");
            return CommandLine.Ok;
        });
        return command;
    }
}
