using System.CommandLine;
using LabelFree.Core.Randomness;
using LabelFree.Data.Imaging;

namespace LabelFree.Cli.Commands.Anomaly;

public sealed record AnomalySynthesizeSettings(IReadOnlyList<string> Data, IReadOnlyList<string>? Masks, int Copies, bool Lesions, long Seed, string Out);

/// <summary>
/// <c>anomaly synthesize</c>: seeded, randomly deformed copies of healthy scans (new test subjects when few exist), with
/// their brain masks, and optionally synthetic lesions with their lesion masks: <c>OUT/*.nii.gz</c>,
/// <c>OUT/brain_masks/</c>, <c>OUT/lesion_masks/</c>, ready for <c>anomaly eval --brain-masks ... --masks ...</c>.
/// </summary>
public static class AnomalySynthesizeCommand
{
    public static Command Create()
    {
        var data = new Option<string[]>("--data") { Description = "Healthy scans: NIfTI files or folders", Required = true, AllowMultipleArgumentsPerToken = true };
        var masks = new Option<string[]>("--masks") { Description = "Their brain masks (default: non-zero voxels)", AllowMultipleArgumentsPerToken = true };
        var copies = CommonOptions.Positive(new Option<int>("--copies") { Description = "Deformed copies per scan", DefaultValueFactory = _ => 4 });
        var lesions = new Option<bool>("--lesions") { Description = "Also add synthetic lesions and write their masks" };
        var seed = CommonOptions.Seed();
        var output = new Option<string>("--out") { Description = "Output folder", Required = true };
        var command = new Command("synthesize", "Write seeded deformed copies of healthy scans (optionally with synthetic lesions) and their masks")
        {
            data, masks, copies, lesions, seed, output,
        };
        command.SetAction(r => Run(new AnomalySynthesizeSettings(r.GetValue(data)!, r.GetValue(masks), r.GetValue(copies), r.GetValue(lesions),
            r.GetValue(seed), r.GetValue(output)!), Console.Out));
        return command;
    }

    public static int Run(AnomalySynthesizeSettings settings, TextWriter output)
    {
        var scans = ScanList.Expand(settings.Data, "--data");
        var masks = ScanList.Pair(scans, settings.Masks, "--masks");
        var brainFolder = Path.Combine(settings.Out, "brain_masks");
        var lesionFolder = Path.Combine(settings.Out, "lesion_masks");
        Directory.CreateDirectory(brainFolder);
        if (settings.Lesions) Directory.CreateDirectory(lesionFolder);
        var written = 0;
        for (var s = 0; s < scans.Count; s++)
        {
            var scan = NiftiReader.Read(scans[s]);
            var brain = ScanList.BrainMaskFor(scan, scans[s], masks?[s]);
            var stem = Path.GetFileName(scans[s]).Replace(".nii.gz", "").Replace(".nii", "");
            for (var c = 0; c < settings.Copies; c++)
            {
                var (image, mask) = RandomDeformation.Apply(scan, brain, AnomalyTrainCommand.Deformation, Rng.For(settings.Seed, "synthesize", s * 1000L + c));
                var name = $"{stem}_copy{c:D2}.nii.gz";
                if (settings.Lesions)
                {
                    var lesioned = SyntheticLesions.Add(image, mask, new LesionOptions(), Rng.For(settings.Seed, "synthesize-lesions", s * 1000L + c));
                    image = lesioned.Image;
                    NiftiWriter.Write(Path.Combine(lesionFolder, name), scan.WithData(lesioned.LesionMask.Select(l => l ? 1f : 0f).ToArray()), NiftiDatatype.UInt8);
                }
                NiftiWriter.Write(Path.Combine(settings.Out, name), image, NiftiDatatype.Float32);
                NiftiWriter.Write(Path.Combine(brainFolder, name), scan.WithData(mask.Select(m => m ? 1f : 0f).ToArray()), NiftiDatatype.UInt8);
                written++;
            }
        }
        output.WriteLine($"wrote {written} volumes to {settings.Out} (brain masks in brain_masks/{(settings.Lesions ? ", lesion masks in lesion_masks/" : "")})");
        return CommandLine.Ok;
    }
}
