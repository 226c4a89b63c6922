using LabelFree.Core.Errors;

namespace LabelFree.Data.Imaging;

/// <summary>How axial slices are cut from a brain volume (recorded in a run's config.json).</summary>
/// <param name="Downsample">Integer in-plane and through-plane averaging factor (2 turns 1 mm into 2 mm voxels).</param>
/// <param name="Height">Rows of each slice after centre crop or zero padding (the volume's y axis, anterior at the top).</param>
/// <param name="Width">Columns of each slice (the volume's x axis).</param>
/// <param name="LowPercentile">Intensity mapped to 0, as a percentile of the non-zero (brain) voxels.</param>
/// <param name="HighPercentile">Intensity mapped to 1; values above are clipped.</param>
/// <param name="MinBrainFraction">Keep only slices where at least this fraction of pixels is brain (non-zero).</param>
public sealed record SliceOptions(
    int Downsample = 2,
    int Height = 112,
    int Width = 96,
    double LowPercentile = 1,
    double HighPercentile = 99,
    double MinBrainFraction = 0.15)
{
    public SliceOptions Validate()
    {
        if (Downsample < 1) throw new UserInputException($"slice option downsample: expected 1 or more, got {Downsample}");
        if (Height < 8 || Width < 8) throw new UserInputException($"slice options height/width: expected at least 8, got {Height}x{Width}");
        if (LowPercentile < 0 || HighPercentile > 100 || LowPercentile >= HighPercentile)
            throw new UserInputException($"slice options percentiles: expected 0 <= low < high <= 100, got {LowPercentile} and {HighPercentile}");
        if (MinBrainFraction is < 0 or > 1) throw new UserInputException($"slice option min_brain_fraction: expected a number in [0, 1], got {MinBrainFraction}");
        return this;
    }
}

/// <summary>Axial slices of one volume, intensity-normalised to [0, 1] within the brain.</summary>
/// <param name="Pixels">One array of Height*Width values per slice, row-major.</param>
/// <param name="SliceIndex">The (downsampled) z index of each slice in the volume.</param>
public sealed record SliceSet(int Height, int Width, IReadOnlyList<float[]> Pixels, IReadOnlyList<int> SliceIndex);

public static class AxialSlices
{
    /// <summary>Cuts <paramref name="volume"/> (skull-stripped: background is 0) into normalised axial slices.</summary>
    public static SliceSet Extract(NiftiImage volume, SliceOptions options)
    {
        options.Validate();
        var (low, high) = RobustRange(volume.Data, options.LowPercentile, options.HighPercentile);
        var f = options.Downsample;
        int nx = volume.X / f, ny = volume.Y / f, nz = volume.Z / f;
        if (nx < 1 || ny < 1 || nz < 1) throw new UserInputException($"volume of {volume.X}x{volume.Y}x{volume.Z} voxels is too small for downsampling by {f}");
        var pixels = new List<float[]>();
        var indices = new List<int>();
        for (var z = 0; z < nz; z++)
        {
            var slice = new float[options.Height * options.Width];
            var brain = 0;
            var rowOffset = (options.Height - ny) / 2;
            var colOffset = (options.Width - nx) / 2;
            for (var y = 0; y < ny; y++)
            {
                var row = rowOffset + (ny - 1 - y);  // anterior (high y) at the top
                if (row < 0 || row >= options.Height) continue;
                for (var x = 0; x < nx; x++)
                {
                    var col = colOffset + x;
                    if (col < 0 || col >= options.Width) continue;
                    var mean = BlockMean(volume, x * f, y * f, z * f, f);
                    if (mean <= 0) continue;
                    brain++;
                    slice[row * options.Width + col] = (float)Math.Clamp((mean - low) / (high - low), 0, 1);
                }
            }
            if (brain < options.MinBrainFraction * options.Height * options.Width) continue;
            pixels.Add(slice);
            indices.Add(z);
        }
        return new SliceSet(options.Height, options.Width, pixels, indices);
    }

    /// <summary>The given percentiles of the non-zero voxels.</summary>
    public static (double Low, double High) RobustRange(float[] data, double lowPercentile, double highPercentile)
    {
        var positive = data.Where(v => v > 0).ToArray();
        if (positive.Length == 0) throw new UserInputException("volume has no non-zero (brain) voxels");
        Array.Sort(positive);
        double At(double p) => positive[(int)Math.Clamp(Math.Round(p / 100 * (positive.Length - 1)), 0, positive.Length - 1)];
        var (low, high) = (At(lowPercentile), At(highPercentile));
        return high > low ? (low, high) : (0, positive[^1]);
    }

    private static double BlockMean(NiftiImage volume, int x0, int y0, int z0, int f)
    {
        double sum = 0;
        for (var dz = 0; dz < f; dz++)
            for (var dy = 0; dy < f; dy++)
                for (var dx = 0; dx < f; dx++)
                    sum += volume[x0 + dx, y0 + dy, z0 + dz];
        return sum / (f * f * f);
    }
}
