using System.CommandLine;
using LabelFree.Cli.Options;
using LabelFree.Data.Imaging;
using LabelFree.Learning.Methods.Deformable;
using LabelFree.Learning.Methods.VoxelMorph;
using LabelFree.Learning.Registration;
using LabelFree.Workflows.Registration;

namespace LabelFree.Cli.Commands.Register;

/// <summary><c>register train</c>: VoxelMorph or MICDIR trained without labels on deformed brains and/or real pairs (<see cref="DeformableTraining"/>).</summary>
public static class RegisterTrainCommand
{
    private const long DefaultSteps = 1000;

    public static Command Create()
    {
        var data = new Option<string[]>("--data") { Description = "Brain scans to deform into training pairs: NIfTI files or folders", AllowMultipleArgumentsPerToken = true };
        var pairs = new Option<string>("--pairs")
        {
            Description = "Real training pairs: tab-separated file with fixed, moving[, fixed_mask, moving_mask, affine] (affine.json from register affine; fitted when absent)",
        };
        var masks = new Option<string[]>("--masks") { Description = "Brain masks, one per scan (default: non-zero voxels of skull-stripped scans)", AllowMultipleArgumentsPerToken = true }
            .Sets(BrainMask.BrainMaskSetting);
        var method = new Option<string>("--method") { Description = string.Join(" or ", DeformableMethods.Names), DefaultValueFactory = _ => VoxelMorph.MethodName };
        method.OneOf([.. DeformableMethods.Names]);
        var grid = new Option<int[]>("--grid") { Description = "Working grid in voxels, x y z (multiples of 16)", AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => [48, 48, 48] };
        var spacing = new Option<double>("--spacing") { Description = "Working grid spacing in mm", DefaultValueFactory = _ => 4.0 }.PositiveFinite();
        var crop = new Option<int[]>("--crop")
        {
            Description = "Train on windows of this many voxels (x y z, multiples of 16) around random brain voxels instead of the whole grid; " +
                "the model still registers the whole grid",
            AllowMultipleArgumentsPerToken = true,
        };
        var bidirectional = new Option<bool>("--bidirectional") { Description = "VoxelMorph: add the inverse direction's similarity (MICDIR is always symmetric)" };
        var run = new RunOptions("Run folder (the model goes to RUN/model)");
        var train = new TrainOptions(DeformableMethods.DefaultTraining(DefaultSteps, 0), TrainFlags.Steps | TrainFlags.BatchSize | TrainFlags.LearningRate | TrainFlags.Resume,
            learningRateNote: "reference 1e-4 over far more steps; the measured runs of about 1000 steps used 1e-3");
        var command = new Command("train", "Train a deformable registration network (VoxelMorph or MICDIR) without labels")
        {
            data, masks, pairs, method, grid, spacing, crop, bidirectional,
        };
        run.AddTo(command);
        train.AddTo(command);
        command.SetAction(r =>
        {
            var settings = run.Read(r);
            var flags = train.Read(r);
            var rows = r.GetValue(pairs) is { } file ? RegistrationFiles.ReadPairs(file, labels: false) : [];
            var training = flags.ApplyTo(DeformableMethods.DefaultTraining(flags.Steps ?? DefaultSteps, settings.Seed));
            var result = DeformableTraining.Run(new DeformableTrainSettings(r.GetValue(data) ?? [], r.GetValue(masks), rows, r.GetValue(method)!,
                new RegistrationGrid(r.GetValue(grid)!, r.GetValue(spacing)), training, r.GetValue(crop) is { Length: > 0 } c ? c : null, r.GetValue(bidirectional)),
                settings, flags.Resume, new ConsoleProgress());
            Console.WriteLine($"trained {r.GetValue(method)} {result.Steps} steps, final loss {result.FinalLoss:G4}, best validation loss {result.BestValidationLoss:G4}; model: {Path.Combine(settings.Out, "model")}");
            return CommandLine.Ok;
        });
        return command;
    }
}
