namespace LabelFree.Data.Imaging;

/// <summary>
/// A NIfTI volume in memory: voxel values (after scl_slope/scl_inter) as float, x fastest, then y, z and t, with the
/// voxel-to-world affine (mm, RAS+ world as NIfTI defines it).
/// </summary>
/// <param name="Shape">Voxels along each axis (3 or 4 axes).</param>
/// <param name="Spacing">Voxel size along each spatial axis in mm (pixdim 1..3).</param>
/// <param name="Affine">Row-major 4x4 voxel-to-world matrix (sform if set, else qform, else spacing alone).</param>
/// <param name="Datatype">The type stored on disk.</param>
public sealed record NiftiImage(int[] Shape, float[] Data, double[] Spacing, double[] Affine, NiftiDatatype Datatype)
{
    public int X => Shape[0];
    public int Y => Shape.Length > 1 ? Shape[1] : 1;
    public int Z => Shape.Length > 2 ? Shape[2] : 1;
    public int T => Shape.Length > 3 ? Shape[3] : 1;

    /// <summary>Value at voxel (x, y, z) of volume t.</summary>
    public float this[int x, int y, int z, int t = 0] => Data[((t * (long)Z + z) * Y + y) * X + x];

    /// <summary>A 3-D volume with a diagonal affine (spacing only), for tests and derived maps.</summary>
    public static NiftiImage Create(int[] shape, float[] data, double[]? spacing = null, double[]? affine = null)
    {
        spacing ??= [1, 1, 1];
        affine ??= [spacing[0], 0, 0, 0, 0, spacing[1], 0, 0, 0, 0, spacing[2], 0, 0, 0, 0, 1];
        return new NiftiImage(shape, data, spacing, affine, NiftiDatatype.Float32);
    }

    /// <summary>The same grid and affine with other voxel values (for maps and masks on an input's grid).</summary>
    public NiftiImage WithData(float[] data, NiftiDatatype datatype = NiftiDatatype.Float32) => this with { Data = data, Datatype = datatype };
}
