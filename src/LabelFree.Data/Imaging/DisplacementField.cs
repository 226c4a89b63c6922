namespace LabelFree.Data.Imaging;

/// <summary>
/// A dense transform on a fixed image's grid: each fixed voxel's world point x maps to the moving world point
/// x + (X, Y, Z)[voxel], in mm. Built by composing an affine with a displacement predicted on a coarse working grid.
/// </summary>
public sealed class DisplacementField
{
    private DisplacementField(int[] shape, double[] affine, float[] x, float[] y, float[] z)
    {
        Shape = shape;
        VoxelToWorld = affine;
        X = x;
        Y = y;
        Z = z;
    }

    public int[] Shape { get; }
    public double[] VoxelToWorld { get; }
    public float[] X { get; }
    public float[] Y { get; }
    public float[] Z { get; }

    /// <summary>
    /// phi(x) = A(x + u(x)), with u the working-grid displacement (interpolated trilinearly, held constant beyond the working
    /// grid's edge) and A the fixed-to-moving world affine.
    /// </summary>
    /// <param name="gridFlow">3 blocks (x, y, z components) of working-grid voxels, in working-grid voxels; null for affine only.</param>
    /// <param name="gridAffine">The working grid's diagonal voxel-to-world affine.</param>
    public static DisplacementField Compose(NiftiImage fixedImage, float[]? gridFlow, int[] gridShape, double[] gridAffine, double[] fixedToMoving)
    {
        int nx = fixedImage.X, ny = fixedImage.Y, nz = fixedImage.Z;
        long voxels = (long)nx * ny * nz;
        var dx = new float[voxels];
        var dy = new float[voxels];
        var dz = new float[voxels];
        var toGrid = Affine.Invert(gridAffine);
        var spacing = Affine.Spacing(gridAffine);
        int gx = gridShape[0], gy = gridShape[1], gz = gridShape[2];
        var block = gx * gy * gz;
        var fx = gridFlow?[..block];
        var fy = gridFlow?[block..(2 * block)];
        var fz = gridFlow?[(2 * block)..(3 * block)];
        Parallel.For(0, nz, z =>
        {
            for (var y = 0; y < ny; y++)
                for (var x = 0; x < nx; x++)
                {
                    var (px, py, pz) = Affine.Apply(fixedImage.Affine, x, y, z);
                    double ux = 0, uy = 0, uz = 0;
                    if (fx is not null && fy is not null && fz is not null)
                    {
                        var (vx, vy, vz) = Affine.Apply(toGrid, px, py, pz);
                        vx = Math.Clamp(vx, 0, gx - 1);
                        vy = Math.Clamp(vy, 0, gy - 1);
                        vz = Math.Clamp(vz, 0, gz - 1);
                        ux = spacing[0] * Resample.Trilinear(fx, gx, gy, gz, vx, vy, vz);
                        uy = spacing[1] * Resample.Trilinear(fy, gx, gy, gz, vx, vy, vz);
                        uz = spacing[2] * Resample.Trilinear(fz, gx, gy, gz, vx, vy, vz);
                    }
                    var (qx, qy, qz) = Affine.Apply(fixedToMoving, px + ux, py + uy, pz + uz);
                    var index = ((long)z * ny + y) * nx + x;
                    dx[index] = (float)(qx - px);
                    dy[index] = (float)(qy - py);
                    dz[index] = (float)(qz - pz);
                }
        });
        return new DisplacementField(fixedImage.Shape.Take(3).ToArray(), fixedImage.Affine, dx, dy, dz);
    }

    /// <summary>The moving image's values at phi(x) for every fixed voxel (trilinear, or nearest for labels); 0 outside.</summary>
    public float[] Warp(NiftiImage moving, Interpolation interpolation)
    {
        int nx = Shape[0], ny = Shape[1], nz = Shape[2];
        var toMoving = Affine.Invert(moving.Affine);
        var result = new float[X.Length];
        Parallel.For(0, nz, z =>
        {
            for (var y = 0; y < ny; y++)
                for (var x = 0; x < nx; x++)
                {
                    var index = ((long)z * ny + y) * nx + x;
                    var (px, py, pz) = Affine.Apply(VoxelToWorld, x, y, z);
                    var (vx, vy, vz) = Affine.Apply(toMoving, px + X[index], py + Y[index], pz + Z[index]);
                    result[index] = interpolation == Interpolation.Nearest
                        ? Resample.Nearest(moving.Data, moving.X, moving.Y, moving.Z, vx, vy, vz)
                        : Resample.Trilinear(moving.Data, moving.X, moving.Y, moving.Z, vx, vy, vz);
                }
        });
        return result;
    }

    /// <summary>The field as a NIfTI vector image: shape x, y, z, 1, 3 (write with intent <see cref="NiftiWriter.VectorIntent"/>), in mm.</summary>
    public NiftiImage ToNifti()
    {
        var data = new float[3L * X.Length];
        X.CopyTo(data, 0);
        Y.CopyTo(data, X.Length);
        Z.CopyTo(data, 2L * X.Length);
        return NiftiImage.Create([Shape[0], Shape[1], Shape[2], 1, 3], data, Affine.Spacing(VoxelToWorld), VoxelToWorld);
    }
}
