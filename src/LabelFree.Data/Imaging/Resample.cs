namespace LabelFree.Data.Imaging;

public enum Interpolation
{
    Nearest,
    Linear,
}

/// <summary>Resamples a 3-D volume onto another grid (any affine), trilinear or nearest; outside the source is 0.</summary>
public static class Resample
{
    /// <param name="source">Values on <paramref name="sourceShape"/>, x fastest.</param>
    public static float[] ToGrid(float[] source, int[] sourceShape, double[] sourceAffine, int[] targetShape, double[] targetAffine, Interpolation interpolation)
    {
        // target voxel -> world -> source voxel
        var map = Affine.Multiply(Affine.Invert(sourceAffine), targetAffine);
        int sx = sourceShape[0], sy = sourceShape[1], sz = sourceShape[2];
        int tx = targetShape[0], ty = targetShape[1], tz = targetShape[2];
        var result = new float[(long)tx * ty * tz];
        Parallel.For(0, tz, z =>
        {
            for (var y = 0; y < ty; y++)
            {
                for (var x = 0; x < tx; x++)
                {
                    var (px, py, pz) = Affine.Apply(map, x, y, z);
                    result[((long)z * ty + y) * tx + x] = interpolation == Interpolation.Nearest
                        ? Nearest(source, sx, sy, sz, px, py, pz)
                        : Trilinear(source, sx, sy, sz, px, py, pz);
                }
            }
        });
        return result;
    }

    /// <summary>Nearest-neighbour value at voxel coordinates (x, y, z); 0 outside.</summary>
    public static float Nearest(float[] v, int sx, int sy, int sz, double x, double y, double z)
    {
        int ix = (int)Math.Round(x), iy = (int)Math.Round(y), iz = (int)Math.Round(z);
        return ix < 0 || iy < 0 || iz < 0 || ix >= sx || iy >= sy || iz >= sz ? 0 : v[((long)iz * sy + iy) * sx + ix];
    }

    /// <summary>Trilinear value at voxel coordinates (x, y, z) of a volume of sx x sy x sz; 0 beyond half a voxel outside.</summary>
    public static float Trilinear(float[] v, int sx, int sy, int sz, double x, double y, double z)
    {
        if (x < -0.5 || y < -0.5 || z < -0.5 || x > sx - 0.5 || y > sy - 0.5 || z > sz - 0.5) return 0;
        x = Math.Clamp(x, 0, sx - 1);
        y = Math.Clamp(y, 0, sy - 1);
        z = Math.Clamp(z, 0, sz - 1);
        int x0 = Math.Min((int)x, sx - 2 < 0 ? 0 : sx - 2), y0 = Math.Min((int)y, sy - 2 < 0 ? 0 : sy - 2), z0 = Math.Min((int)z, sz - 2 < 0 ? 0 : sz - 2);
        int x1 = Math.Min(x0 + 1, sx - 1), y1 = Math.Min(y0 + 1, sy - 1), z1 = Math.Min(z0 + 1, sz - 1);
        double fx = x - x0, fy = y - y0, fz = z - z0;
        double At(int i, int j, int k) => v[((long)k * sy + j) * sx + i];
        var c00 = At(x0, y0, z0) * (1 - fx) + At(x1, y0, z0) * fx;
        var c10 = At(x0, y1, z0) * (1 - fx) + At(x1, y1, z0) * fx;
        var c01 = At(x0, y0, z1) * (1 - fx) + At(x1, y0, z1) * fx;
        var c11 = At(x0, y1, z1) * (1 - fx) + At(x1, y1, z1) * fx;
        var c0 = c00 * (1 - fy) + c10 * fy;
        var c1 = c01 * (1 - fy) + c11 * fy;
        return (float)(c0 * (1 - fz) + c1 * fz);
    }
}
