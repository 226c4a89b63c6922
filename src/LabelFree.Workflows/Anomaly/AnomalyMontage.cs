using LabelFree.Data.Imaging;
using LabelFree.Learning.Methods.Strega;
using LabelFree.Reports.Figures;

namespace LabelFree.Workflows.Anomaly;

/// <summary>An overlay montage of anomaly masks on a prepared scan.</summary>
public static class AnomalyMontage
{
    /// <summary>Up to 8 axial slices through the brain: the scan (and the model's tissue-class input), with the anomaly mask (and the true lesion) in red.</summary>
    public static void Save(string path, PreprocessedVolume volume, AnomalyMaps maps, bool[]? reference = null)
    {
        // The 8 brain slices with the most detected (and true) anomaly, then the most brain, shown in slice order.
        var candidates = Enumerable.Range(0, volume.SliceCount).Where(z => volume.BrainFraction(z) > 0).DefaultIfEmpty(volume.SliceCount / 2).ToList();
        var shown = candidates
            .OrderByDescending(z => CountInSlice(volume, maps.Mask, z) + (reference is null ? 0 : CountInSlice(volume, reference, z)))
            .ThenByDescending(volume.BrainFraction).Take(8).Order().ToList();
        var empty = new bool[volume.Shape[0] * volume.Shape[1] * volume.Shape[2]];
        GrayImage Tile(int z, bool[] overlay) => new(volume.SliceOf(volume.Intensity, z), volume.Options.Height, volume.Options.Width)
        {
            Overlay = volume.SliceOf(overlay, z),
        };
        var rows = new List<(string, IReadOnlyList<GrayImage>)> { ("input", shown.Select(z => Tile(z, empty)).ToList()) };
        if (volume.Image != volume.Intensity) rows.Add(("tissue classes", shown.Select(z => new GrayImage(volume.Slice(z), volume.Options.Height, volume.Options.Width)).ToList()));
        rows.Add(("detected", shown.Select(z => Tile(z, maps.Mask)).ToList()));
        if (reference is not null) rows.Add(("true lesion", shown.Select(z => Tile(z, reference)).ToList()));
        ImageGrid.SavePng(path, rows);
    }

    private static int CountInSlice(PreprocessedVolume volume, bool[] mask, int z)
    {
        var plane = volume.Shape[0] * volume.Shape[1];
        var count = 0;
        for (var i = 0; i < plane; i++) if (mask[z * plane + i]) count++;
        return count;
    }
}
