using LabelFree.Core.Errors;
using LabelFree.Core.IO;
using LabelFree.Core.Randomness;
using LabelFree.Data.Imaging;
using LabelFree.Workflows.Imaging;

namespace LabelFree.Workflows.Registration;

/// <summary>
/// Brains (with masks and label maps, in order) to make held-out pairs from, how many pairs per brain, and the strength of
/// the deformations (a factor on the smooth displacement's SD of <see cref="HeldOutPairs.Deformation"/>).
/// </summary>
public sealed record HeldOutPairSettings(IReadOnlyList<string> Scans, IReadOnlyList<string>? Masks, IReadOnlyList<string> Labels, int PairsPerScan, double Strength = 1);

/// <summary>
/// Held-out registration pairs: two seeded deformations of each real brain (from another random stream than training),
/// labels warped alike, written with pairs.tsv; with two or more brains also cross.tsv (inter-subject pairs of the originals).
/// </summary>
public static class HeldOutPairs
{
    /// <returns>The number of held-out pairs and of inter-subject pairs written.</returns>
    public static (int Pairs, int CrossPairs) Run(HeldOutPairSettings settings, string outFolder, long seed)
    {
        var scans = settings.Scans;
        var masks = ScanList.Pair(scans, settings.Masks, BrainMask.BrainMaskSetting);
        if (settings.Labels.Count != scans.Count) throw new SettingException("labels", $"{settings.Labels.Count} label maps for {scans.Count} scans; give one per scan, in order");
        if (settings.PairsPerScan < 1) throw new SettingException("pairs", $"expected a positive number, got {settings.PairsPerScan}");
        if (!(settings.Strength > 0) || !double.IsFinite(settings.Strength)) throw new SettingException("strength", $"expected a positive number, got {settings.Strength}");
        var deformation = Deformation with { DisplacementSdMm = Deformation.DisplacementSdMm * settings.Strength };
        Directory.CreateDirectory(outFolder);
        var rows = new List<string> { RegistrationFiles.PairsHeader };
        var originals = new List<string>();
        for (var s = 0; s < scans.Count; s++)
        {
            var (scan, brain) = RegistrationFiles.Scan(scans[s], masks?[s], "source");
            var labels = RegistrationFiles.Labels(settings.Labels[s], scan, "source").Data.Select((v, i) => brain[i] ? v : 0f).ToArray();
            var stripped = scan.WithData(scan.Data.Take(brain.Length).Select((v, i) => brain[i] ? v : 0f).ToArray()) with { Shape = scan.Shape.Take(3).ToArray() };
            var stem = $"s{s}";
            originals.Add(Write(outFolder, $"{stem}_original", stripped, brain, labels));
            for (var p = 0; p < settings.PairsPerScan; p++)
            {
                var names = new string[2];
                for (var side = 0; side < 2; side++)
                {
                    var (image, mask, warpedLabels) = RandomDeformation.Apply(stripped, brain, labels, deformation, Rng.For(seed, "register-heldout", s * 1000L + 2 * p + side));
                    names[side] = Write(outFolder, $"{stem}_pair{p}_{(side == 0 ? "fixed" : "moving")}", image.WithData(image.Data.Select((v, i) => mask[i] ? v : 0f).ToArray()), mask, warpedLabels!);
                }
                rows.Add(Row(names[0], names[1]));
            }
        }
        AtomicFile.WriteAllText(Path.Combine(outFolder, "pairs.tsv"), string.Join("\n", rows) + "\n");
        if (scans.Count >= 2)
        {
            var cross = new List<string> { RegistrationFiles.PairsHeader };
            for (var s = 1; s < scans.Count; s++) cross.Add(string.Join("\t", $"{originals[0]}.nii.gz", $"{originals[s]}.nii.gz", $"{originals[0]}_mask.nii.gz", $"{originals[s]}_mask.nii.gz", $"{originals[0]}_mask.nii.gz", $"{originals[s]}_mask.nii.gz"));
            AtomicFile.WriteAllText(Path.Combine(outFolder, "cross.tsv"), string.Join("\n", cross) + "\n");
        }
        return (rows.Count - 1, scans.Count >= 2 ? scans.Count - 1 : 0);
    }

    /// <summary>The held-out deformations: the training defaults (same distribution), drawn from a different stream.</summary>
    public static readonly DeformationOptions Deformation = new();

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
