using LabelFree.Learning.Methods.TableAe;
using LabelFree.Reports.Figures;

namespace LabelFree.Workflows.Phenotypes;

/// <summary>
/// Latent traversals (what makes a latent interpretable): the volume decoded at the people's mean latent with one latent
/// moved to -3, -1.5, 0, +1.5 and +3 standard deviations, shown as coronal and axial slices through the voxel that the
/// latent changes most, beside the difference between +3 and -3 SD.
/// </summary>
public static class LatentTraversal
{
    public static readonly double[] Steps = [-3, -1.5, 0, 1.5, 3];

    /// <summary>Draws one PNG for latent <paramref name="latent"/> (0-based) of <paramref name="model"/>, whose rows are volumes on <paramref name="grid"/>.</summary>
    public static void Save(string path, TableAe model, float[][] rows, VolumeGrid grid, int latent, string label)
    {
        var embedded = model.Embed(rows);
        var (n, k) = (embedded.GetLength(0), embedded.GetLength(1));
        var mean = Enumerable.Range(0, k).Select(j => Enumerable.Range(0, n).Average(i => embedded[i, j])).ToArray();
        var sd = Math.Sqrt(Enumerable.Range(0, n).Sum(i => Math.Pow(embedded[i, latent] - mean[latent], 2)) / Math.Max(1, n - 1));
        var points = new float[Steps.Length, k];
        for (var s = 0; s < Steps.Length; s++)
            for (var j = 0; j < k; j++) points[s, j] = (float)(mean[j] + (j == latent ? Steps[s] * sd : 0));
        var decoded = model.Decode(points);
        var volumes = Enumerable.Range(0, Steps.Length).Select(s => Enumerable.Range(0, grid.Voxels).Select(v => decoded[s, v]).ToArray()).ToArray();
        var difference = volumes[^1].Zip(volumes[0], (a, b) => a - b).ToArray();
        var peak = Array.IndexOf(difference, difference.MaxBy(Math.Abs));
        var (x, y, z) = (peak % grid.Shape[0], peak / grid.Shape[0] % grid.Shape[1], peak / (grid.Shape[0] * grid.Shape[1]));
        var high = Math.Max(1e-3f, volumes.SelectMany(v => v).Max());
        var range = Math.Max(1e-3f, difference.Max(Math.Abs));
        IReadOnlyList<GrayImage> Row(Func<float[], GrayImage> cut, Func<float[], float, float, GrayImage> cutScaled) =>
            [.. volumes.Select(cut), cutScaled(difference, -range, range)];
        ImageGrid.SavePng(path,
        [
            ($"{label} coronal", Row(v => Coronal(v, grid, y, 0, high), (v, lo, hi) => Coronal(v, grid, y, lo, hi))),
            ($"{label} axial", Row(v => Axial(v, grid, z, 0, high), (v, lo, hi) => Axial(v, grid, z, lo, hi))),
        ], scale: Math.Max(2, 192 / Math.Max(grid.Shape[0], grid.Shape[2])));
    }

    // (Z, X) with superior at the top.
    private static GrayImage Coronal(float[] volume, VolumeGrid grid, int y, float low, float high)
    {
        var (sx, sy, sz) = (grid.Shape[0], grid.Shape[1], grid.Shape[2]);
        var pixels = new float[sz * sx];
        for (var z = 0; z < sz; z++)
            for (var x = 0; x < sx; x++) pixels[(sz - 1 - z) * sx + x] = volume[(z * sy + y) * sx + x];
        return new GrayImage(pixels, sz, sx, low, high);
    }

    // (Y, X) with anterior at the top.
    private static GrayImage Axial(float[] volume, VolumeGrid grid, int z, float low, float high)
    {
        var (sx, sy) = (grid.Shape[0], grid.Shape[1]);
        var pixels = new float[sy * sx];
        for (var y = 0; y < sy; y++)
            for (var x = 0; x < sx; x++) pixels[(sy - 1 - y) * sx + x] = volume[(z * sy + y) * sx + x];
        return new GrayImage(pixels, sy, sx, low, high);
    }
}
