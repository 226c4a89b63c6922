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
    /// The 95th-percentile Hausdorff distance (mm) of each label with at least <paramref name="minReferenceVoxels"/> voxels in
    /// <paramref name="reference"/> and present in <paramref name="warped"/>: the 95th percentile of the distances from each
    /// surface voxel of one map's label to the nearest surface voxel of the other's, both directions pooled (as medpy's hd95).
    /// Surface voxels are label voxels with a 6-neighbour outside the label; distances are exact Euclidean on the grid of
    /// <paramref name="shape"/> (x fastest) with voxel sides <paramref name="spacing"/> (mm).
    /// </summary>
    public static SortedDictionary<int, double> Hausdorff95PerLabel(float[] warped, float[] reference, int[] shape, double[] spacing, int minReferenceVoxels = 1)
    {
        if (warped.Length != reference.Length) throw new ArgumentException("label maps differ in size");
        int nx = shape[0], ny = shape[1], nz = shape[2];
        var boxes = new Dictionary<int, int[]>();  // label -> low x y z, high x y z over both maps
        var counts = new Dictionary<int, (long Reference, long Warped)>();
        for (var z = 0; z < nz; z++)
            for (var y = 0; y < ny; y++)
                for (var x = 0; x < nx; x++)
                {
                    var i = ((long)z * ny + y) * nx + x;
                    Count((int)MathF.Round(warped[i]), false, x, y, z);
                    Count((int)MathF.Round(reference[i]), true, x, y, z);
                }
        void Count(int label, bool isReference, int x, int y, int z)
        {
            if (label == 0) return;
            if (!boxes.TryGetValue(label, out var box)) boxes[label] = box = [x, y, z, x, y, z];
            box[0] = Math.Min(box[0], x); box[1] = Math.Min(box[1], y); box[2] = Math.Min(box[2], z);
            box[3] = Math.Max(box[3], x); box[4] = Math.Max(box[4], y); box[5] = Math.Max(box[5], z);
            var c = counts.GetValueOrDefault(label);
            counts[label] = isReference ? (c.Reference + 1, c.Warped) : (c.Reference, c.Warped + 1);
        }
        var labels = counts.Where(p => p.Value.Reference >= minReferenceVoxels && p.Value.Warped > 0).Select(p => p.Key).ToArray();
        var result = new double[labels.Length];
        Parallel.For(0, labels.Length, l => result[l] = Hausdorff95(warped, reference, shape, spacing, labels[l], boxes[labels[l]]));
        return new SortedDictionary<int, double>(labels.Select((label, l) => (label, l)).ToDictionary(p => p.label, p => result[p.l]));
    }

    private static double Hausdorff95(float[] warped, float[] reference, int[] shape, double[] spacing, int label, int[] box)
    {
        int nx = shape[0], ny = shape[1];
        int ox = box[0], oy = box[1], oz = box[2];
        int bx = box[3] - ox + 1, by = box[4] - oy + 1, bz = box[5] - oz + 1;
        bool[] Inside(float[] map)
        {
            var inside = new bool[bx * by * bz];
            for (var z = 0; z < bz; z++)
                for (var y = 0; y < by; y++)
                    for (var x = 0; x < bx; x++)
                        inside[(z * by + y) * bx + x] = (int)MathF.Round(map[((long)(z + oz) * ny + y + oy) * nx + x + ox]) == label;
            return inside;
        }
        bool[] Surface(bool[] inside)
        {
            var surface = new bool[inside.Length];
            for (var z = 0; z < bz; z++)
                for (var y = 0; y < by; y++)
                    for (var x = 0; x < bx; x++)
                    {
                        var i = (z * by + y) * bx + x;
                        // Outside the box is outside the label (the box bounds it), so box edges count as surface.
                        surface[i] = inside[i] && (x == 0 || x == bx - 1 || y == 0 || y == by - 1 || z == 0 || z == bz - 1
                            || !inside[i - 1] || !inside[i + 1] || !inside[i - bx] || !inside[i + bx] || !inside[i - bx * by] || !inside[i + bx * by]);
                    }
            return surface;
        }
        var a = Surface(Inside(warped));
        var b = Surface(Inside(reference));
        var distances = new List<double>();
        foreach (var (from, to) in new[] { (a, b), (b, a) })
        {
            var squared = SquaredDistanceTo(to, [bx, by, bz], spacing);
            for (var i = 0; i < from.Length; i++) if (from[i]) distances.Add(Math.Sqrt(squared[i]));
        }
        distances.Sort();
        return distances.Count == 0 ? double.NaN : distances[(int)Math.Ceiling(0.95 * distances.Count) - 1];
    }

    /// <summary>Exact squared Euclidean distance (mm^2) of every voxel to the nearest set voxel: separable lower envelopes of parabolas (Felzenszwalb and Huttenlocher 2012).</summary>
    private static double[] SquaredDistanceTo(bool[] set, int[] shape, double[] spacing)
    {
        var d = set.Select(v => v ? 0.0 : double.PositiveInfinity).ToArray();
        int[] strides = [1, shape[0], shape[0] * shape[1]];
        for (var axis = 0; axis < 3; axis++)
        {
            var n = shape[axis];
            var line = new double[n];
            var output = new double[n];
            var vertices = new int[n];
            var bounds = new double[n + 1];
            var stride = strides[axis];
            var w = spacing[axis] * spacing[axis];
            for (var start = 0; start < d.Length; start++)
            {
                if (start / stride % n != 0) continue;  // one line per voxel whose coordinate along the axis is 0
                for (var q = 0; q < n; q++) line[q] = d[start + q * stride];
                Envelope(line, output, vertices, bounds, n, w);
                for (var q = 0; q < n; q++) d[start + q * stride] = output[q];
            }
        }
        return d;
    }

    private static void Envelope(double[] f, double[] output, int[] v, double[] z, int n, double w)
    {
        var k = -1;
        for (var q = 0; q < n; q++)
        {
            if (double.IsPositiveInfinity(f[q])) continue;
            while (true)
            {
                if (k < 0) { k = 0; v[0] = q; z[0] = double.NegativeInfinity; z[1] = double.PositiveInfinity; break; }
                var s = ((f[q] + w * q * q) - (f[v[k]] + w * v[k] * v[k])) / (2.0 * w * (q - v[k]));
                if (s <= z[k]) { k--; continue; }
                k++; v[k] = q; z[k] = s; z[k + 1] = double.PositiveInfinity; break;
            }
        }
        if (k < 0) { Array.Fill(output, double.PositiveInfinity, 0, n); return; }
        var j = 0;
        for (var q = 0; q < n; q++)
        {
            while (z[j + 1] < q) j++;
            output[q] = w * (q - v[j]) * (q - v[j]) + f[v[j]];
        }
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
