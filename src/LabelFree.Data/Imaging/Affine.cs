namespace LabelFree.Data.Imaging;

/// <summary>Row-major 4x4 affine matrices (voxel-to-world maps) as double[16].</summary>
public static class Affine
{
    public static double[] Identity() => [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];

    public static double[] Multiply(double[] a, double[] b)
    {
        var c = new double[16];
        for (var r = 0; r < 4; r++)
            for (var k = 0; k < 4; k++)
                for (var j = 0; j < 4; j++)
                    c[r * 4 + j] += a[r * 4 + k] * b[k * 4 + j];
        return c;
    }

    /// <summary>Inverse of an affine whose last row is (0, 0, 0, 1).</summary>
    public static double[] Invert(double[] m)
    {
        double a = m[0], b = m[1], c = m[2], d = m[4], e = m[5], f = m[6], g = m[8], h = m[9], i = m[10];
        var det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
        if (Math.Abs(det) < 1e-12) throw new ArgumentException("the affine is singular");
        double[] r =
        [
            (e * i - f * h) / det, (c * h - b * i) / det, (b * f - c * e) / det, 0,
            (f * g - d * i) / det, (a * i - c * g) / det, (c * d - a * f) / det, 0,
            (d * h - e * g) / det, (b * g - a * h) / det, (a * e - b * d) / det, 0,
            0, 0, 0, 1,
        ];
        for (var row = 0; row < 3; row++)
            r[row * 4 + 3] = -(r[row * 4] * m[3] + r[row * 4 + 1] * m[7] + r[row * 4 + 2] * m[11]);
        return r;
    }

    /// <summary>Applies <paramref name="m"/> to the point (x, y, z).</summary>
    public static (double X, double Y, double Z) Apply(double[] m, double x, double y, double z) =>
        (m[0] * x + m[1] * y + m[2] * z + m[3], m[4] * x + m[5] * y + m[6] * z + m[7], m[8] * x + m[9] * y + m[10] * z + m[11]);

    /// <summary>Length of each voxel axis in world units (the column norms).</summary>
    public static double[] Spacing(double[] m) =>
        Enumerable.Range(0, 3).Select(c => Math.Sqrt(m[c] * m[c] + m[4 + c] * m[4 + c] + m[8 + c] * m[8 + c])).ToArray();
}
