namespace LabelFree.Data.Imaging;

/// <summary>
/// Binary morphological opening of a 3-D mask with a ball: erosion then dilation by the same ball. What remains is the
/// union of every ball of that radius that fits inside the mask, so structures thinner than the ball's diameter
/// vanish while compact regions keep their shape (scipy.ndimage.binary_opening with a ball, outside counted as empty).
/// </summary>
public static class BallOpening
{
    /// <summary>Opens <paramref name="mask"/> (x fastest, <paramref name="shape"/> = x, y, z) with a ball of <paramref name="radiusMm"/>.</summary>
    public static bool[] Apply(bool[] mask, int[] shape, double[] spacing, double radiusMm)
    {
        var offsets = BallOffsets(spacing, radiusMm);
        if (offsets.Count <= 1) return (bool[])mask.Clone();
        int nx = shape[0], ny = shape[1], nz = shape[2];
        if (mask.Length != nx * ny * nz) throw new ArgumentException($"mask has {mask.Length} voxels, expected {nx}x{ny}x{nz}");

        // Erosion: a voxel stays when the whole ball around it is inside the mask (and inside the grid).
        var eroded = new bool[mask.Length];
        Parallel.For(0, nz, z =>
        {
            for (var y = 0; y < ny; y++)
                for (var x = 0; x < nx; x++)
                {
                    var index = (z * ny + y) * nx + x;
                    if (!mask[index]) continue;
                    var all = true;
                    foreach (var (dx, dy, dz) in offsets)
                    {
                        int px = x + dx, py = y + dy, pz = z + dz;
                        if (px < 0 || py < 0 || pz < 0 || px >= nx || py >= ny || pz >= nz || !mask[(pz * ny + py) * nx + px])
                        {
                            all = false;
                            break;
                        }
                    }
                    eroded[index] = all;
                }
        });

        // Dilation: every eroded voxel paints its ball back.
        var opened = new bool[mask.Length];
        for (var z = 0; z < nz; z++)
            for (var y = 0; y < ny; y++)
                for (var x = 0; x < nx; x++)
                {
                    if (!eroded[(z * ny + y) * nx + x]) continue;
                    foreach (var (dx, dy, dz) in offsets)
                    {
                        int px = x + dx, py = y + dy, pz = z + dz;
                        if (px >= 0 && py >= 0 && pz >= 0 && px < nx && py < ny && pz < nz) opened[(pz * ny + py) * nx + px] = true;
                    }
                }
        return opened;
    }

    /// <summary>Voxel offsets whose centres lie within <paramref name="radiusMm"/> of the origin on a grid of <paramref name="spacing"/>.</summary>
    public static List<(int Dx, int Dy, int Dz)> BallOffsets(double[] spacing, double radiusMm)
    {
        var reach = Enumerable.Range(0, 3).Select(a => (int)Math.Floor(radiusMm / spacing[a] + 1e-9)).ToArray();
        var offsets = new List<(int, int, int)>();
        for (var dz = -reach[2]; dz <= reach[2]; dz++)
            for (var dy = -reach[1]; dy <= reach[1]; dy++)
                for (var dx = -reach[0]; dx <= reach[0]; dx++)
                {
                    double mx = dx * spacing[0], my = dy * spacing[1], mz = dz * spacing[2];
                    if (mx * mx + my * my + mz * mz <= radiusMm * radiusMm + 1e-9) offsets.Add((dx, dy, dz));
                }
        return offsets;
    }
}
