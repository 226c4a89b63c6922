using LabelFree.Data.Imaging;
using LabelFree.Learning.Objectives;
using LabelFree.Learning.Registration;
using LabelFree.TestKit;
using static TorchSharp.torch;

namespace LabelFree.Learning.Tests.Registration;

public class PairRegistrationTests
{
    /// <summary>A stand-in model that predicts one constant displacement (in working-grid voxels, x y z).</summary>
    private sealed class ConstantFlow(RegistrationGrid grid, double[] voxels) : IFlowPredictor
    {
        public RegistrationGrid Grid => grid;

        public float[] PredictFlow(float[] fixedImage, float[] moving, InstanceOptions? refine = null)
        {
            var n = (int)grid.Voxels;
            var flow = new float[3 * n];
            for (var d = 0; d < 3; d++) Array.Fill(flow, (float)voxels[d], d * n, n);
            return flow;
        }

        public Tensor PredictVelocity(Tensor fixedImage, Tensor moving) =>
            stack(Enumerable.Reverse(voxels).Select(v => full(fixedImage.shape[2..], (float)v)).ToArray()).unsqueeze(0);  // (1, 3, *S), channels z, y, x

        /// <summary>NCC as VoxelMorph refines, diffeomorphic (7 scaling-and-squaring steps at half resolution).</summary>
        public RefinementLoss Refinement { get; } = new((a, b) => RegistrationLosses.Ncc(a, b, 5), 1.0, 7, 2);
    }

    /// <summary>A textured ellipsoid "brain" of 32^3 voxels of 2 mm and a copy moved by +6 mm along x and -4 mm along z.</summary>
    private static (NiftiImage Fixed, NiftiImage Moving, bool[] Mask, float[] Data) ShiftedBrain()
    {
        const int n = 32;
        var data = new float[n * n * n];
        for (var i = 0; i < data.Length; i++)
        {
            int x = i % n, y = i / n % n, z = i / (n * n);
            var r = Math.Pow((x - 15) / 10.0, 2) + Math.Pow((y - 16) / 11.0, 2) + Math.Pow((z - 17) / 9.0, 2);
            data[i] = r < 1 ? (float)(1 + 0.4 * Math.Sin(x / 2.0) * Math.Cos(y / 3.0) + 0.2 * Math.Sin(z / 2.5)) : 0;
        }
        var fixedImage = NiftiImage.Create([n, n, n], data, [2, 2, 2]);
        // moving(p) = fixed(p - shift): the moving brain sits +3 voxels along x, -2 along z (6 mm, -4 mm).
        var moving = fixedImage.WithData(Resample.ToGrid(data, [n, n, n], fixedImage.Affine, [n, n, n],
            Affine.Multiply(new double[] { 1, 0, 0, -6, 0, 1, 0, 0, 0, 0, 1, 4, 0, 0, 0, 1 }, fixedImage.Affine), Interpolation.Linear));
        return (fixedImage, moving, data.Select(v => v > 0).ToArray(), data);
    }

    [Fact]
    public void The_composed_field_applies_the_network_displacement_in_world_mm_along_the_right_axes()
    {
        var (fixedImage, moving, mask, data) = ShiftedBrain();
        var grid = new RegistrationGrid([16, 16, 16], 4.0);
        var model = new ConstantFlow(grid, [1.5, 0, -1.0]);  // 6 mm and -4 mm on the 4 mm grid

        var pair = PairRegistration.Run(model, fixedImage, mask, moving, moving.Data.Select(v => v > 0).ToArray(), null, null, Affine.Identity(), TestTorch.Cpu);

        Assert.All(pair.Field.X, v => Assert.Equal(6, v, 4));
        Assert.All(pair.Field.Z, v => Assert.Equal(-4, v, 4));
        var error = pair.Warped.Zip(data).Where((_, i) => mask[i]).Average(p => Math.Abs(p.First - p.Second));
        Assert.True(error < 1e-3, $"warped differs from fixed by {error}");
    }

    [Fact]
    public void The_pyramid_refines_on_a_finer_grid_from_the_network_start_and_reports_every_stage()
    {
        var (fixedImage, moving, mask, data) = ShiftedBrain();
        var movingMask = moving.Data.Select(v => v > 0).ToArray();
        var model = new ConstantFlow(new RegistrationGrid([16, 16, 16], 8.0), [0.25, 0, 0]);  // the network moves 2 mm of the 6
        var stages = new List<RegisteredPair>();
        // The 1 mm level is finer than the scan's 2 mm voxels: it runs at 2 mm.
        var plan = new RefinementPlan(10, [new PyramidLevel(4, 40), new PyramidLevel(1, 40)], Patience: 100);

        var pair = PairRegistration.Run(model, fixedImage, mask, moving, movingMask, null, null, Affine.Identity(), TestTorch.Cpu, plan, stages.Add);

        Assert.Equal(["network", "8 mm", "4 mm", "2 mm"], stages.Select(s => s.Stage));
        Assert.Same(stages[^1].Field, pair.Field);
        Assert.Equal([0, 10, 40, 40], stages.Select(s => s.Steps));
        Assert.All(stages, s => Assert.True(s.Seconds > 0));
        double Error(RegisteredPair p) => p.Warped.Zip(data).Where((_, i) => mask[i]).Average(q => Math.Abs(q.First - q.Second));
        double ShiftX(RegisteredPair p) => p.Field.X.Where((_, i) => mask[i]).Average();
        Assert.InRange(ShiftX(stages[0]), 1.9, 2.1);  // the network's start, carried through
        Assert.True(Error(stages[^1]) < 0.6 * Error(stages[0]), $"warped error {Error(stages[0]):F3} (network) -> {Error(stages[^1]):F3} (2 mm)");
        Assert.InRange(ShiftX(stages[^1]), 4, 7.5);
        Assert.True(MinJacobian(pair.Field) > 0, $"the 2 mm stage folds: min Jacobian {MinJacobian(pair.Field):F3}");

        // Without a callback only the result is composed: the same stage and steps (early stopping off: patience beyond the steps).
        var quiet = PairRegistration.Run(model, fixedImage, mask, moving, movingMask, null, null, Affine.Identity(), TestTorch.Cpu, plan);
        Assert.Equal(("2 mm", 40), (quiet.Stage, quiet.Steps));
        Assert.Equal(pair.Field.X, quiet.Field.X);
    }

    [Fact]
    public void Regridding_a_velocity_keeps_world_displacements_and_early_stopping_ends_a_flat_level()
    {
        // A field of 1 voxel along x (tensor channel 2) and a ramp along z on a 4 mm grid, resampled onto a 2 mm grid
        // that starts 4 mm further along every axis.
        double[] from = [4, 0, 0, 10, 0, 4, 0, 20, 0, 0, 4, 30, 0, 0, 0, 1];
        double[] to = [2, 0, 0, 14, 0, 2, 0, 24, 0, 0, 2, 34, 0, 0, 0, 1];
        using var scope = NewDisposeScope();
        var field = zeros([1, 3, 6, 5, 4]);
        field[0, 2] = ones(6, 5, 4);
        field[0, 0] = arange(6, dtype: float32).view(6, 1, 1).expand(6, 5, 4) * 0.5f;  // 2 mm per 4 mm voxel along z
        var regridded = RefinementPyramid.Regrid(field, from, [4, 4, 4], to);
        Assert.All(regridded[0, 2].data<float>().ToArray(), v => Assert.Equal(2, v, 4));           // 4 mm = 2 voxels of 2 mm
        var z = regridded[0, 0].data<float>().ToArray();
        for (var k = 0; k < 4; k++) Assert.Equal((1 + k * 0.5) * 0.5 * 2, z[k * 16], 4);             // old z voxel 1 + k/2 -> mm -> new voxels

        // An already aligned pair: the similarity cannot improve, so the level stops after patience + 1 steps.
        var (fixedImage, _, mask, _) = ShiftedBrain();
        var model = new ConstantFlow(new RegistrationGrid([16, 16, 16], 8.0), [0, 0, 0]);
        var pair = PairRegistration.Run(model, fixedImage, mask, fixedImage, mask, null, null, Affine.Identity(), TestTorch.Cpu,
            new RefinementPlan(0, [new PyramidLevel(4, 50, LearningRate: 1e-4)], Patience: 3));
        Assert.Equal("4 mm", pair.Stage);
        Assert.InRange(pair.Steps, 4, 10);
    }

    /// <summary>The smallest Jacobian determinant of x -> x + u(x) over interior voxels (central differences; u in mm, isotropic voxels).</summary>
    private static double MinJacobian(DisplacementField field)
    {
        int nx = field.Shape[0], ny = field.Shape[1], nz = field.Shape[2];
        var h = 2 * Affine.Spacing(field.VoxelToWorld)[0];
        float[][] u = [field.X, field.Y, field.Z];
        var min = double.MaxValue;
        for (var z = 1; z < nz - 1; z++)
            for (var y = 1; y < ny - 1; y++)
                for (var x = 1; x < nx - 1; x++)
                {
                    var i = (z * ny + y) * nx + x;
                    int[] strides = [1, nx, nx * ny];
                    var j = new double[3, 3];
                    for (var c = 0; c < 3; c++)
                        for (var a = 0; a < 3; a++) j[c, a] = (c == a ? 1 : 0) + (u[c][i + strides[a]] - u[c][i - strides[a]]) / h;
                    var det = j[0, 0] * (j[1, 1] * j[2, 2] - j[1, 2] * j[2, 1]) - j[0, 1] * (j[1, 0] * j[2, 2] - j[1, 2] * j[2, 0]) + j[0, 2] * (j[1, 0] * j[2, 1] - j[1, 1] * j[2, 0]);
                    min = Math.Min(min, det);
                }
        return min;
    }
}
