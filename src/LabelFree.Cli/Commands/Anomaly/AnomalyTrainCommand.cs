using System.CommandLine;
using LabelFree.Cli.Options;
using LabelFree.Data.Imaging;
using LabelFree.Learning.Methods.Scad;
using LabelFree.Learning.Methods.Strega;
using LabelFree.Workflows.Anomaly;
using LabelFree.Workflows.Imaging;

namespace LabelFree.Cli.Commands.Anomaly;

/// <summary>
/// <c>anomaly train</c>: StRegA's context-encoding VAE (<see cref="StregaTraining"/>) or SCAD's reverse distillation
/// (<see cref="ScadTraining"/>) trained on healthy scans.
/// </summary>
public static class AnomalyTrainCommand
{
    public static Command Create()
    {
        var data = new Option<string[]>("--data") { Description = "Healthy scans: NIfTI files or folders of them", Required = true, AllowMultipleArgumentsPerToken = true };
        var masks = new Option<string[]>("--masks")
        {
            Description = "Brain masks, one per scan (a folder pairs by file name); default: the scans' non-zero voxels (skull-stripped scans)", AllowMultipleArgumentsPerToken = true,
        }.Sets(BrainMask.BrainMaskSetting);
        var minVolumes = new Option<int>("--min-volumes")
        {
            Description = "With fewer scans than this, add randomly deformed copies (seeded) until there are this many training volumes", DefaultValueFactory = _ => 8,
        }.Positive();
        var spacing = new Option<double>("--spacing")
        {
            Description = "Working grid in mm; slices cover 224x192 mm (reference: 1 mm, 256x256 pixels)", DefaultValueFactory = _ => 2,
        };
        spacing.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double>() is not (> 0 and <= StregaConfig.MaxSpacingMm))
                result.AddError($"--spacing: expected a voxel size in mm in (0, {StregaConfig.MaxSpacingMm}], got {result.GetValueOrDefault<double>()}");
        });
        var method = Flags.Choice("--method", "strega (context-encoding VAE) or scad (reverse distillation; evaluate it with anomaly benchmark)", AnomalyMethod.Strega);
        var run = new RunOptions("Run folder");
        var train = new TrainOptions(Strega.DefaultTraining(0), learningRateNote: "reference 1e-4; 5e-4 measured better in a 15-minute CPU budget");
        var mask = new MaskOptions();
        var command = new Command("train", "Train StRegA's context-encoding VAE or SCAD on healthy brain scans") { data, masks, minVolumes, spacing, method };
        run.AddTo(command);
        train.AddTo(command);
        mask.AddTo(command);
        command.SetAction(r =>
        {
            var settings = run.Read(r);
            var flags = train.Read(r);
            var (opening, clip) = mask.Read(r);
            var scans = ScanList.Expand(r.GetValue(data)!, "data");
            var defaults = StregaConfig.AtSpacing(r.GetValue(spacing));
            var brainMasks = ScanList.Pair(scans, r.GetValue(masks), BrainMask.BrainMaskSetting);
            if (r.GetValue(method) == AnomalyMethod.Scad)
            {
                var scad = ScadTraining.Run(new ScadTrainSettings(scans, brainMasks, new ScadConfig { Preprocessing = defaults.Preprocessing with { Input = ModelInput.Intensity } },
                    flags.ApplyTo(Scad.DefaultTraining(settings.Seed)), MinVolumes: r.GetValue(minVolumes)), settings, flags.Resume, new ConsoleProgress());
                scad.Model.Dispose();
                Console.WriteLine($"trained {scad.Training.Steps} steps, final loss {scad.Training.FinalLoss:G4}; model: {scad.ModelFolder}");
                return CommandLine.Ok;
            }
            var model = defaults with { Postprocessing = StregaPostprocessing.Override(defaults.Postprocessing, opening, clip) };
            var result = StregaTraining.Run(new StregaTrainSettings(scans, brainMasks, model,
                flags.ApplyTo(Strega.DefaultTraining(settings.Seed)), r.GetValue(minVolumes)), settings, flags.Resume, new ConsoleProgress());
            result.Model.Dispose();
            var t = result.Training;
            Console.WriteLine($"trained {t.Steps} steps, final loss {t.FinalLoss:G4}, best validation loss {t.BestValidationLoss:G4}; model: {result.ModelFolder}");
            return CommandLine.Ok;
        });
        return command;
    }
}
