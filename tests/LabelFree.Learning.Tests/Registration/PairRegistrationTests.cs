using LabelFree.Data.Imaging;
using LabelFree.Learning.Registration;
using LabelFree.TestKit;

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
    }

    [Fact]
    public void The_composed_field_applies_the_network_displacement_in_world_mm_along_the_right_axes()
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
        var mask = data.Select(v => v > 0).ToArray();
        var grid = new RegistrationGrid([16, 16, 16], 4.0);
        var model = new ConstantFlow(grid, [1.5, 0, -1.0]);  // 6 mm and -4 mm on the 4 mm grid

        var pair = PairRegistration.Run(model, fixedImage, mask, moving, moving.Data.Select(v => v > 0).ToArray(), null, null, Affine.Identity(), TestTorch.Cpu);

        Assert.All(pair.Field.X, v => Assert.Equal(6, v, 4));
        Assert.All(pair.Field.Z, v => Assert.Equal(-4, v, 4));
        var error = pair.Warped.Zip(data).Where((_, i) => mask[i]).Average(p => Math.Abs(p.First - p.Second));
        Assert.True(error < 1e-3, $"warped differs from fixed by {error}");
    }
}
