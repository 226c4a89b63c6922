using System.CommandLine;
using LabelFree.Cli.Commands.Anomaly;
using LabelFree.Core.Errors;
using LabelFree.Core.IO;
using LabelFree.Core.Randomness;
using LabelFree.Data.Imaging;

namespace LabelFree.Cli.Commands.Register;

public sealed record RegisterSynthesizeSettings(IReadOnlyList<string> Data, IReadOnlyList<string>? Masks, IReadOnlyList<string> Labels, int Pairs, long Seed, string Out);

/// <summary>
/// <c>register synthesize</c>: held-out evaluation pairs from few real brains. For each scan, pairs of two independent
/// seeded random deformations (stream "register-heldout", never used in training), brain-masked, with the scan's labels
/// warped by the same field (nearest neighbour, restricted to the brain). Writes the volumes and <c>pairs.tsv</c>; with
/// two or more scans also <c>cross.tsv</c>: the undeformed scans registered across subjects, brain masks as labels.
/// </summary>
public static class RegisterSynthesizeCommand
{
    public static Command Create()
    {
        var data = new Option<string[]>("--data") { Description = "Scans (NIfTI files)", Required = true, AllowMultipleArgumentsPerToken = true };
        var masks = new Option<string[]>("--masks") { Description = "Their brain masks, in order (default: non-zero voxels)", AllowMultipleArgumentsPerToken = true };
        var labels = new Option<string[]>("--labels") { Description = "Their label maps, in order, on the scans' grids", Required = true, AllowMultipleArgumentsPerToken = true };
        var pairs = CommonOptions.Positive(new Option<int>("--pairs") { Description = "Pairs per scan", DefaultValueFactory = _ => 3 });
        var seed = CommonOptions.Seed();
        var output = new Option<string>("--out") { Description = "Output folder", Required = true };
        var command = new Command("synthesize", "Write held-out registration pairs (seeded deformations of real brains, labels warped alike) and pairs.tsv")
        {
            data, masks, labels, pairs, seed, output,
        };
        command.SetAction(r => Run(new RegisterSynthesizeSettings(r.GetValue(data)!, r.GetValue(masks), r.GetValue(labels)!, r.GetValue(pairs), r.GetValue(seed), r.GetValue(output)!), Console.Out));
        return command;
    }

    public static int Run(RegisterSynthesizeSettings settings, TextWriter output)
    {
        var scans = ScanList.Expand(settings.Data, "--data");
        var masks = ScanList.Pair(scans, settings.Masks, "--masks");
        if (settings.Labels.Count != scans.Count) throw new UserInputException($"--labels: {settings.Labels.Count} label maps for {scans.Count} scans; give one per scan, in order");
        Directory.CreateDirectory(settings.Out);
        var rows = new List<string> { RegistrationFiles.PairsHeader };
        var originals = new List<string>();
        for (var s = 0; s < scans.Count; s++)
        {
            var (scan, brain) = RegistrationFiles.Scan(scans[s], masks?[s], "--data");
            var labels = RegistrationFiles.Labels(settings.Labels[s], scan, "--labels").Data.Select((v, i) => brain[i] ? v : 0f).ToArray();
            var stripped = scan.WithData(scan.Data.Take(brain.Length).Select((v, i) => brain[i] ? v : 0f).ToArray()) with { Shape = scan.Shape.Take(3).ToArray() };
            var stem = $"s{s}";
            originals.Add(Write(settings.Out, $"{stem}_original", stripped, brain, labels));
            for (var p = 0; p < settings.Pairs; p++)
            {
                var names = new string[2];
                for (var side = 0; side < 2; side++)
                {
                    var (image, mask, warpedLabels) = RandomDeformation.Apply(stripped, brain, labels, HeldOut, Rng.For(settings.Seed, "register-heldout", s * 1000L + 2 * p + side));
                    names[side] = Write(settings.Out, $"{stem}_pair{p}_{(side == 0 ? "fixed" : "moving")}", image.WithData(image.Data.Select((v, i) => mask[i] ? v : 0f).ToArray()), mask, warpedLabels!);
                }
                rows.Add(Row(names[0], names[1]));
            }
        }
        AtomicFile.WriteAllText(Path.Combine(settings.Out, "pairs.tsv"), string.Join("\n", rows) + "\n");
        if (scans.Count >= 2)
        {
            var cross = new List<string> { RegistrationFiles.PairsHeader };
            for (var s = 1; s < scans.Count; s++) cross.Add(string.Join("\t", $"{originals[0]}.nii.gz", $"{originals[s]}.nii.gz", $"{originals[0]}_mask.nii.gz", $"{originals[s]}_mask.nii.gz", $"{originals[0]}_mask.nii.gz", $"{originals[s]}_mask.nii.gz"));
            AtomicFile.WriteAllText(Path.Combine(settings.Out, "cross.tsv"), string.Join("\n", cross) + "\n");
        }
        output.WriteLine($"wrote {rows.Count - 1} held-out pairs to {Path.Combine(settings.Out, "pairs.tsv")}{(scans.Count >= 2 ? $" and {scans.Count - 1} inter-subject pair(s) to cross.tsv" : "")}");
        return CommandLine.Ok;
    }

    /// <summary>The held-out deformations: the training defaults (same distribution), drawn from a different stream.</summary>
    public static readonly DeformationOptions HeldOut = new();

    private static string Row(string fixedName, string movingName) =>
        string.Join("\t", $"{fixedName}.nii.gz", $"{movingName}.nii.gz", $"{fixedName}_labels.nii.gz", $"{movingName}_labels.nii.gz", $"{fixedName}_mask.nii.gz", $"{movingName}_mask.nii.gz");

    private static string Write(string folder, string name, NiftiImage image, bool[] mask, float[] labels)
    {
        NiftiWriter.Write(Path.Combine(folder, $"{name}.nii.gz"), image, NiftiDatatype.Float32);
        NiftiWriter.Write(Path.Combine(folder, $"{name}_mask.nii.gz"), image.WithData(mask.Select(m => m ? 1f : 0f).ToArray()), NiftiDatatype.UInt8);
        NiftiWriter.Write(Path.Combine(folder, $"{name}_labels.nii.gz"), image.WithData(labels), NiftiDatatype.Int16);
        return name;
    }
}
