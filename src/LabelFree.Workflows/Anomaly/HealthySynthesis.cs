using LabelFree.Core.Randomness;
using LabelFree.Data.Imaging;
using LabelFree.Workflows.Imaging;

namespace LabelFree.Workflows.Anomaly;

/// <summary>
/// Healthy scans to copy: <paramref name="Copies"/> deformed copies each, with synthetic lesions when asked: darker
/// ones (<see cref="LesionOptions"/>' defaults), or with <paramref name="MixedLesions"/> every kind, contrast and size
/// (<see cref="LesionOptions.Mixed"/>).
/// </summary>
public sealed record HealthySynthesisSettings(IReadOnlyList<string> Scans, IReadOnlyList<string>? BrainMasks, int Copies, bool Lesions, bool MixedLesions = false);

/// <summary>
/// Seeded, randomly deformed copies of healthy scans (new test subjects when few exist), with their brain masks, and
/// optionally synthetic lesions with their lesion masks: OUT/*.nii.gz, OUT/brain_masks/, OUT/lesion_masks/. A lesion
/// mask's value is the lesion's <see cref="LesionKind"/> (2 darker, 3 brighter, 4 textured; any non-zero is lesion).
/// </summary>
public static class HealthySynthesis
{
    /// <returns>The number of volumes written.</returns>
    public static int Run(HealthySynthesisSettings settings, string outFolder, long seed)
    {
        if (settings.Copies < 1) throw new Core.Errors.SettingException("copies", $"expected a positive number, got {settings.Copies}");
        var masks = ScanList.Pair(settings.Scans, settings.BrainMasks, "brain_mask");
        var lesionOptions = settings.MixedLesions ? LesionOptions.Mixed : new LesionOptions();
        var brainFolder = Path.Combine(outFolder, "brain_masks");
        var lesionFolder = Path.Combine(outFolder, "lesion_masks");
        Directory.CreateDirectory(brainFolder);
        if (settings.Lesions) Directory.CreateDirectory(lesionFolder);
        var written = 0;
        for (var s = 0; s < settings.Scans.Count; s++)
        {
            var scan = NiftiReader.ReadVolume(settings.Scans[s]);
            var brain = ScanList.BrainMaskFor(scan, settings.Scans[s], masks?[s]);
            var stem = Path.GetFileName(settings.Scans[s]).Replace(".nii.gz", "").Replace(".nii", "");
            for (var c = 0; c < settings.Copies; c++)
            {
                var (image, mask) = RandomDeformation.Apply(scan, brain, StregaTraining.Deformation, Rng.For(seed, "synthesize", s * 1000L + c));
                var name = $"{stem}_copy{c:D2}.nii.gz";
                if (settings.Lesions)
                {
                    var lesioned = SyntheticLesions.Add(image, mask, lesionOptions, Rng.For(seed, "synthesize-lesions", s * 1000L + c));
                    image = lesioned.Image;
                    NiftiWriter.Write(Path.Combine(lesionFolder, name), scan.WithData(lesioned.KindLabels.Select(k => (float)k).ToArray()), NiftiDatatype.UInt8);
                }
                NiftiWriter.Write(Path.Combine(outFolder, name), image, NiftiDatatype.Float32);
                NiftiWriter.Write(Path.Combine(brainFolder, name), scan.WithData(mask.Select(m => m ? 1f : 0f).ToArray()), NiftiDatatype.UInt8);
                written++;
            }
        }
        return written;
    }
}
