using LabelFree.Core.Errors;
using LabelFree.Data.Imaging;

namespace LabelFree.Workflows.Imaging;

/// <summary>Scans given as NIfTI files or folders of them, with optional masks paired to them.</summary>
public static class ScanList
{
    /// <summary>Expands files and folders (their *.nii and *.nii.gz, sorted by name) into a list of files; errors name <paramref name="setting"/>.</summary>
    public static List<string> Expand(IEnumerable<string> items, string setting)
    {
        var files = new List<string>();
        foreach (var item in items)
        {
            if (Directory.Exists(item))
            {
                var found = Directory.GetFiles(item).Where(IsNifti).Order(StringComparer.Ordinal).ToList();
                if (found.Count == 0) throw new SettingException(setting, $"{item}: no .nii or .nii.gz files in this folder");
                files.AddRange(found);
            }
            else if (!File.Exists(item))
            {
                throw new SettingException(setting, $"{item}: NIfTI file not found");
            }
            else
            {
                files.Add(item);
            }
        }
        if (files.Count == 0) throw new SettingException(setting, "no scans given");
        return files;
    }

    /// <summary>
    /// Pairs masks with scans: a folder pairs by file name, a list pairs in order; null when no masks are given.
    /// </summary>
    public static List<string>? Pair(IReadOnlyList<string> scans, IReadOnlyList<string>? masks, string setting)
    {
        if (masks is null || masks.Count == 0) return null;
        if (masks.Count == 1 && Directory.Exists(masks[0]))
        {
            return scans.Select(scan =>
            {
                var candidate = Path.Combine(masks[0], Path.GetFileName(scan));
                return File.Exists(candidate) ? candidate : throw new SettingException(setting, $"{candidate}: no mask for {scan} (masks pair with scans by file name)");
            }).ToList();
        }
        var files = Expand(masks, setting);
        if (files.Count != scans.Count) throw new SettingException(setting, $"{files.Count} masks for {scans.Count} scans; give one per scan, in the same order");
        return files;
    }

    /// <summary>The scan's brain mask: from its mask file when given, else its non-zero voxels (skull-stripped scans).</summary>
    public static bool[] BrainMaskFor(NiftiImage scan, string scanPath, string? maskPath) =>
        maskPath is null ? BrainMask.FromSkullStripped(scan, scanPath) : BrainMask.Read(maskPath, scan);

    private static bool IsNifti(string path) =>
        path.EndsWith(".nii", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".nii.gz", StringComparison.OrdinalIgnoreCase);
}
