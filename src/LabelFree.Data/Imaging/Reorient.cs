namespace LabelFree.Data.Imaging;

/// <summary>
/// Exact reorientation to the closest canonical RAS+ voxel order (nibabel's as_closest_canonical): voxel axes are
/// permuted and flipped, never interpolated, so that axis 0 runs left to Right, 1 posterior to Anterior, 2 inferior to
/// Superior. <see cref="FromRas"/> undoes it onto the original grid.
/// </summary>
public static class Reorient
{
    /// <summary>For each voxel axis: the world axis it runs along and whether it runs backwards.</summary>
    public static (int WorldAxis, bool Flip)[] Orientation(double[] affine)
    {
        var result = new (int, bool)[3];
        var used = new bool[3];
        // Assign the voxel axis with the strongest alignment first, as nibabel's io_orientation does.
        var order = Enumerable.Range(0, 3).SelectMany(v => Enumerable.Range(0, 3).Select(w => (v, w, Math.Abs(affine[w * 4 + v]))))
            .OrderByDescending(t => t.Item3).ToList();
        var assigned = new bool[3];
        foreach (var (voxel, world, _) in order)
        {
            if (assigned[voxel] || used[world]) continue;
            result[voxel] = (world, affine[world * 4 + voxel] < 0);
            assigned[voxel] = used[world] = true;
        }
        return result;
    }

    public static NiftiImage ToRas(NiftiImage image)
    {
        var orientation = Orientation(image.Affine);
        var shape = new int[image.Shape.Length];
        Array.Copy(image.Shape, shape, shape.Length);
        for (var v = 0; v < 3; v++) shape[orientation[v].WorldAxis] = image.Shape[v];
        // New voxel index n along world axis w comes from old voxel axis v at n (or size-1-n when flipped).
        var toOld = new double[16];
        toOld[15] = 1;
        for (var v = 0; v < 3; v++)
        {
            var (w, flip) = orientation[v];
            toOld[v * 4 + w] = flip ? -1 : 1;
            toOld[v * 4 + 3] = flip ? image.Shape[v] - 1 : 0;
        }
        var data = Permute(image, shape, toOld);
        var affine = Affine.Multiply(image.Affine, toOld);
        return image with { Shape = shape, Data = data, Affine = affine, Spacing = Affine.Spacing(affine) };
    }

    /// <summary>Puts <paramref name="ras"/> (on <see cref="ToRas"/>'s grid of <paramref name="original"/>) back on the original grid.</summary>
    public static NiftiImage FromRas(NiftiImage ras, NiftiImage original)
    {
        var orientation = Orientation(original.Affine);
        // Old voxel index along axis v comes from RAS axis w at the same (or flipped) position.
        var toRas = new double[16];
        toRas[15] = 1;
        for (var v = 0; v < 3; v++)
        {
            var (w, flip) = orientation[v];
            toRas[w * 4 + v] = flip ? -1 : 1;
            toRas[w * 4 + 3] = flip ? original.Shape[v] - 1 : 0;
        }
        var shape = (int[])original.Shape.Clone();
        if (ras.Shape.Length > 3) shape = [.. shape.Take(3), .. ras.Shape.Skip(3)];
        return original with { Shape = shape, Data = Permute(ras, shape, toRas), Datatype = ras.Datatype };
    }

    private static float[] Permute(NiftiImage source, int[] shape, double[] newToOld)
    {
        int nx = shape[0], ny = shape[1], nz = shape[2], volumes = source.T;
        var data = new float[source.Data.Length];
        var i = 0;
        for (var t = 0; t < volumes; t++)
            for (var z = 0; z < nz; z++)
                for (var y = 0; y < ny; y++)
                    for (var x = 0; x < nx; x++)
                    {
                        var (ox, oy, oz) = Affine.Apply(newToOld, x, y, z);
                        data[i++] = source[(int)Math.Round(ox), (int)Math.Round(oy), (int)Math.Round(oz), t];
                    }
        return data;
    }
}
