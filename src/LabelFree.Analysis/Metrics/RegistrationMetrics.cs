namespace LabelFree.Analysis.Metrics;

/// <summary>Registration quality without ground-truth fields: label overlap (Dice) and the regularity of the transform.</summary>
public static class RegistrationMetrics
{
    /// <summary>Dice of each label with at least <paramref name="minReferenceVoxels"/> voxels in <paramref name="reference"/> (label values rounded; 0 is background).</summary>
    public static SortedDictionary<int, double> DicePerLabel(ReadOnlySpan<float> warped, ReadOnlySpan<float> reference, int minReferenceVoxels = 1)
    {
        if (warped.Length != reference.Length) throw new ArgumentException("label maps differ in size");
        var both = new Dictionary<int, long>();
        var inWarped = new Dictionary<int, long>();
        var inReference = new Dictionary<int, long>();
        for (var i = 0; i < reference.Length; i++)
        {
            int a = (int)MathF.Round(warped[i]), b = (int)MathF.Round(reference[i]);
            if (a != 0) inWarped[a] = inWarped.GetValueOrDefault(a) + 1;
            if (b != 0) inReference[b] = inReference.GetValueOrDefault(b) + 1;
            if (a != 0 && a == b) both[a] = both.GetValueOrDefault(a) + 1;
        }
        var result = new SortedDictionary<int, double>();
        foreach (var (label, count) in inReference.Where(p => p.Value >= minReferenceVoxels))
            result[label] = 2.0 * both.GetValueOrDefault(label) / (count + inWarped.GetValueOrDefault(label));
        return result;
    }

    /// <summary>
    /// Determinant of the Jacobian of phi(x) = x + d(x) at every voxel (central differences inside, one-sided at the edges),
    /// with d in world mm on a grid whose voxel-to-world affine is <paramref name="voxelToWorld"/> (row-major 4x4).
    /// </summary>
    public static float[] JacobianDeterminant(float[] dx, float[] dy, float[] dz, int[] shape, double[] voxelToWorld)
    {
        int nx = shape[0], ny = shape[1], nz = shape[2];
        // Inverse of the 3x3 voxel-to-world part: d/dworld = d/dvoxel * inverse.
        var m = voxelToWorld;
        double a = m[0], b = m[1], c = m[2], d = m[4], e = m[5], f = m[6], g = m[8], h = m[9], k = m[10];
        var det = a * (e * k - f * h) - b * (d * k - f * g) + c * (d * h - e * g);
        double[] inv =
        [
            (e * k - f * h) / det, (c * h - b * k) / det, (b * f - c * e) / det,
            (f * g - d * k) / det, (a * k - c * g) / det, (c * d - a * f) / det,
            (d * h - e * g) / det, (b * g - a * h) / det, (a * e - b * d) / det,
        ];
        var result = new float[dx.Length];
        float[][] components = [dx, dy, dz];
        Parallel.For(0, nz, z =>
        {
            Span<double> voxelGradient = stackalloc double[9];
            Span<double> j = stackalloc double[9];
            for (var y = 0; y < ny; y++)
                for (var x = 0; x < nx; x++)
                {
                    var index = ((long)z * ny + y) * nx + x;
                    for (var comp = 0; comp < 3; comp++)
                    {
                        var v = components[comp];
                        voxelGradient[comp * 3] = Difference(v, index, x, nx, 1);
                        voxelGradient[comp * 3 + 1] = Difference(v, index, y, ny, nx);
                        voxelGradient[comp * 3 + 2] = Difference(v, index, z, nz, (long)nx * ny);
                    }
                    for (var r = 0; r < 3; r++)
                        for (var col = 0; col < 3; col++)
                            j[r * 3 + col] = (r == col ? 1 : 0) + voxelGradient[r * 3] * inv[col] + voxelGradient[r * 3 + 1] * inv[3 + col] + voxelGradient[r * 3 + 2] * inv[6 + col];
                    result[index] = (float)(j[0] * (j[4] * j[8] - j[5] * j[7]) - j[1] * (j[3] * j[8] - j[5] * j[6]) + j[2] * (j[3] * j[7] - j[4] * j[6]));
                }
        });
        return result;
    }

    /// <summary>Fraction of voxels (where <paramref name="within"/> is true, or all) whose Jacobian determinant is 0 or less.</summary>
    public static double FoldingFraction(ReadOnlySpan<float> determinant, ReadOnlySpan<bool> within = default)
    {
        long folded = 0, counted = 0;
        for (var i = 0; i < determinant.Length; i++)
        {
            if (!within.IsEmpty && !within[i]) continue;
            counted++;
            if (!(determinant[i] > 0)) folded++;
        }
        return counted == 0 ? 0 : (double)folded / counted;
    }

    private static double Difference(float[] v, long index, int position, int length, long stride)
    {
        if (length < 2) return 0;
        if (position == 0) return v[index + stride] - v[index];
        if (position == length - 1) return v[index] - v[index - stride];
        return (v[index + stride] - v[index - stride]) / 2.0;
    }
}
