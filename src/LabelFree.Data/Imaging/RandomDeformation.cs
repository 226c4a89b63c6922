using LabelFree.Core.Errors;
using LabelFree.Core.Randomness;

namespace LabelFree.Data.Imaging;

/// <summary>
/// Settings of <see cref="RandomDeformation"/>: a random rotation and scaling about the brain's centre, a smooth random
/// displacement field (Gaussian displacements at control points every <see cref="ControlSpacingMm"/>, interpolated
/// trilinearly), a smooth multiplicative bias field and a gamma change of contrast. Together they turn one real brain into
/// plausible other brains for training (and held-out testing) when few subjects are available.
/// </summary>
public sealed record DeformationOptions(
    double RotationDegrees = 8,
    double ScaleFraction = 0.08,
    double ControlSpacingMm = 24,
    double DisplacementSdMm = 3,
    double BiasSd = 0.08,
    double MinGamma = 0.8,
    double MaxGamma = 1.25)
{
    public DeformationOptions Validate()
    {
        if (RotationDegrees < 0 || ScaleFraction is < 0 or >= 0.5 || !(ControlSpacingMm > 0) || DisplacementSdMm < 0 || BiasSd < 0 || !(MinGamma > 0) || MaxGamma < MinGamma)
            throw new UserInputException("deformation options: expected non-negative rotation, displacement and bias, 0 <= scale < 0.5, control spacing > 0, 0 < min gamma <= max gamma");
        return this;
    }
}

public static class RandomDeformation
{
    /// <summary>A deformed copy of <paramref name="image"/> and of its brain mask, on the same grid.</summary>
    public static (NiftiImage Image, bool[] Mask) Apply(NiftiImage image, bool[] mask, DeformationOptions options, Rng rng)
    {
        var (deformed, warpedMask, _) = Apply(image, mask, null, options, rng);
        return (deformed, warpedMask);
    }

    /// <summary>
    /// As <see cref="Apply(NiftiImage, bool[], DeformationOptions, Rng)"/> (same random draws, so the same deformation for
    /// the same stream), and also warps a label map on the image's grid with the same field, nearest neighbour.
    /// </summary>
    public static (NiftiImage Image, bool[] Mask, float[]? Labels) Apply(NiftiImage image, bool[] mask, float[]? labels, DeformationOptions options, Rng rng)
    {
        options.Validate();
        int nx = image.X, ny = image.Y, nz = image.Z;
        var toVoxel = Affine.Invert(image.Affine);
        var (low, high) = BrainMask.WorldBounds(image, mask);
        var centre = (X: (low[0] + high[0]) / 2, Y: (low[1] + high[1]) / 2, Z: (low[2] + high[2]) / 2);

        // Rotation (small angles about each axis) and isotropic scale about the brain's centre.
        var angles = Enumerable.Range(0, 3).Select(_ => rng.Uniform(-1, 1) * options.RotationDegrees * Math.PI / 180).ToArray();
        var scale = 1 + rng.Uniform(-1, 1) * options.ScaleFraction;
        var rotation = Rotation(angles[0], angles[1], angles[2]);
        var displacement = new ControlGrid(low, high, options.ControlSpacingMm, 3, options.DisplacementSdMm, rng);
        var bias = new ControlGrid(low, high, options.ControlSpacingMm * 2, 1, options.BiasSd, rng);
        var gamma = Math.Exp(rng.Uniform(Math.Log(options.MinGamma), Math.Log(options.MaxGamma)));
        var maxValue = image.Data.Where((_, i) => mask[i]).DefaultIfEmpty(1f).Max();
        var maskValues = mask.Select(m => m ? 1f : 0f).ToArray();

        var data = new float[image.Data.Length];
        var warpedMask = new bool[mask.Length];
        var warpedLabels = labels is null ? null : new float[labels.Length];
        Parallel.For(0, nz, z =>
        {
            Span<double> d = stackalloc double[3];
            Span<double> b = stackalloc double[1];
            for (var y = 0; y < ny; y++)
                for (var x = 0; x < nx; x++)
                {
                    var (px, py, pz) = Affine.Apply(image.Affine, x, y, z);
                    double rx = px - centre.X, ry = py - centre.Y, rz = pz - centre.Z;
                    displacement.At(px, py, pz, d);
                    var qx = centre.X + scale * (rotation[0] * rx + rotation[1] * ry + rotation[2] * rz) + d[0];
                    var qy = centre.Y + scale * (rotation[3] * rx + rotation[4] * ry + rotation[5] * rz) + d[1];
                    var qz = centre.Z + scale * (rotation[6] * rx + rotation[7] * ry + rotation[8] * rz) + d[2];
                    var (vx, vy, vz) = Affine.Apply(toVoxel, qx, qy, qz);
                    var index = (z * ny + y) * nx + x;
                    var inBrain = Resample.Trilinear(maskValues, nx, ny, nz, vx, vy, vz) >= 0.5;
                    warpedMask[index] = inBrain;
                    if (labels is not null)
                    {
                        int lx = (int)Math.Round(vx), ly = (int)Math.Round(vy), lz = (int)Math.Round(vz);
                        warpedLabels![index] = lx < 0 || ly < 0 || lz < 0 || lx >= nx || ly >= ny || lz >= nz ? 0 : labels[((long)lz * ny + ly) * nx + lx];
                    }
                    var value = Resample.Trilinear(image.Data, nx, ny, nz, vx, vy, vz);
                    if (value > 0 && inBrain)
                    {
                        bias.At(px, py, pz, b);
                        value = (float)(maxValue * Math.Pow(Math.Min(value / maxValue, 1), gamma) * Math.Exp(b[0]));
                    }
                    data[index] = inBrain || value > 0 ? value : 0;
                }
        });
        return (image.WithData(data, NiftiDatatype.Float32), warpedMask, warpedLabels);
    }

    private static double[] Rotation(double a, double b, double c)
    {
        double ca = Math.Cos(a), sa = Math.Sin(a), cb = Math.Cos(b), sb = Math.Sin(b), cc = Math.Cos(c), sc = Math.Sin(c);
        // Rz(c) * Ry(b) * Rx(a)
        return
        [
            cc * cb, cc * sb * sa - sc * ca, cc * sb * ca + sc * sa,
            sc * cb, sc * sb * sa + cc * ca, sc * sb * ca - cc * sa,
            -sb, cb * sa, cb * ca,
        ];
    }

    /// <summary>Random Gaussian vectors on a regular grid of control points around a box, interpolated trilinearly.</summary>
    private sealed class ControlGrid
    {
        private readonly double[] _origin;
        private readonly double _spacing;
        private readonly int[] _size;
        private readonly int _components;
        private readonly double[] _values;

        public ControlGrid(double[] low, double[] high, double spacing, int components, double sd, Rng rng)
        {
            _spacing = spacing;
            _components = components;
            _origin = low.Select(l => l - 2 * spacing).ToArray();
            _size = Enumerable.Range(0, 3).Select(a => (int)Math.Ceiling((high[a] - low[a]) / spacing) + 5).ToArray();
            _values = new double[_size[0] * _size[1] * _size[2] * components];
            for (var i = 0; i < _values.Length; i++) _values[i] = sd * rng.NextGaussian();
        }

        public void At(double x, double y, double z, Span<double> result)
        {
            double gx = Math.Clamp((x - _origin[0]) / _spacing, 0, _size[0] - 1.001);
            double gy = Math.Clamp((y - _origin[1]) / _spacing, 0, _size[1] - 1.001);
            double gz = Math.Clamp((z - _origin[2]) / _spacing, 0, _size[2] - 1.001);
            int x0 = (int)gx, y0 = (int)gy, z0 = (int)gz;
            double fx = gx - x0, fy = gy - y0, fz = gz - z0;
            result.Clear();
            for (var corner = 0; corner < 8; corner++)
            {
                int dx = corner & 1, dy = (corner >> 1) & 1, dz = corner >> 2;
                var weight = (dx == 1 ? fx : 1 - fx) * (dy == 1 ? fy : 1 - fy) * (dz == 1 ? fz : 1 - fz);
                var offset = (((z0 + dz) * _size[1] + y0 + dy) * _size[0] + x0 + dx) * _components;
                for (var c = 0; c < _components; c++) result[c] += weight * _values[offset + c];
            }
        }
    }
}
