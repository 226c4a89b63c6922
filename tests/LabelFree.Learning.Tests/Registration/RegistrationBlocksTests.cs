using LabelFree.Learning.Nn;
using LabelFree.Learning.Objectives;
using LabelFree.TestKit;
using static TorchSharp.torch;

namespace LabelFree.Learning.Tests.Registration;

public class RegistrationBlocksTests
{
    private static Tensor Texture(params long[] size)
    {
        var count = size.Aggregate(1L, (a, b) => a * b);
        var values = Enumerable.Range(0, (int)count).Select(i => (float)(Math.Sin(i * 0.37) + Math.Cos(i * 0.11))).ToArray();
        return tensor(values, [1, 1, .. size]);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Spatial_transformer_reproduces_an_integer_shift_exactly(int dims)
    {
        _ = TestTorch.Cpu;
        using var scope = NewDisposeScope();
        long[] size = dims == 3 ? [6, 7, 8] : [7, 8];
        var image = Texture(size);
        var flow = zeros([1, dims, .. size]);
        flow[0, dims - 1] = full(size, 2f);  // +2 voxels along x (the last tensor axis)
        flow[0, 0] = full(size, -1f);        // -1 voxel along the first axis
        var warped = SpatialTransformer.Warp(image, flow);
        // warped[..., i, .., j] = image[..., i - 1, .., j + 2] where both are inside.
        var expected = image.narrow(2, 0, size[0] - 1).narrow(-1, 2, size[^1] - 2);
        var actual = warped.narrow(2, 1, size[0] - 1).narrow(-1, 0, size[^1] - 2);
        Assert.Equal(0, (expected - actual).abs().max().item<float>(), 5);
        // Beyond the image: zeros.
        Assert.True(warped.select(2, 0).abs().max().item<float>() < 1e-5);
    }

    [Fact]
    public void Ncc_of_an_image_with_itself_is_minus_one_and_finite_on_constant_patches()
    {
        _ = TestTorch.Cpu;
        using var scope = NewDisposeScope();
        var image = Texture(20, 20, 20);
        Assert.Equal(-1, RegistrationLosses.Ncc(image, image).item<float>(), 3);
        // Constant patches (variance 0) give cc 0, not NaN, and finite gradients.
        var constant = full([1, 1, 12, 12, 12], 0.5f).requires_grad_();
        var loss = RegistrationLosses.Ncc(constant, full([1, 1, 12, 12, 12], 0.25f));
        loss.backward();
        Assert.True(float.IsFinite(loss.item<float>()));
        Assert.True(constant.grad!.isfinite().all().item<bool>());
        var interior = RegistrationLosses.Ncc(full([1, 1, 30, 30, 30], 0.5f), Texture(30, 30, 30), window: 3).item<float>();
        Assert.True(float.IsFinite(interior) && interior > -0.05, $"a constant image correlates with nothing, got {interior}");
        var other = Texture(20, 20, 20).flip(2);
        Assert.True(RegistrationLosses.Ncc(image, other).item<float>() > -0.9);
    }

    [Fact]
    public void Scaling_and_squaring_of_a_smooth_velocity_has_a_positive_jacobian()
    {
        _ = TestTorch.Cpu;
        using var scope = NewDisposeScope();
        const int n = 32;
        var y = arange(n, dtype: float32).view(n, 1).expand(n, n);
        var x = arange(n, dtype: float32).view(1, n).expand(n, n);
        // A swirl strong enough that the velocity itself, used as a displacement, folds the grid.
        var vy = 12 * (x * Math.PI / n).sin() * (y * Math.PI / n).sin();
        var vx = -12 * (y * Math.PI / n * 2).sin();
        var velocity = stack([vy, vx]).unsqueeze(0);  // (1, 2, n, n)
        Assert.True(MinDeterminant(velocity) <= 0);
        var flow = SpatialTransformer.Integrate(velocity, 7);
        Assert.True(MinDeterminant(flow) > 0);
    }

    /// <summary>Minimum Jacobian determinant of x + flow over the interior (central differences), 2-D.</summary>
    private static double MinDeterminant(Tensor flow)
    {
        var f = flow[0];
        var dyDy = (f[0, 2.., 1..^1] - f[0, ..^2, 1..^1]) / 2;
        var dyDx = (f[0, 1..^1, 2..] - f[0, 1..^1, ..^2]) / 2;
        var dxDy = (f[1, 2.., 1..^1] - f[1, ..^2, 1..^1]) / 2;
        var dxDx = (f[1, 1..^1, 2..] - f[1, 1..^1, ..^2]) / 2;
        return ((1 + dyDy) * (1 + dxDx) - dyDx * dxDy).min().item<float>();
    }

    [Fact]
    public void Resizing_a_field_rescales_its_displacements()
    {
        _ = TestTorch.Cpu;
        using var scope = NewDisposeScope();
        var flow = full([1, 2, 9, 9], 1f);
        var resized = SpatialTransformer.ResizeField(flow, [17, 17]);
        Assert.Equal([1L, 2, 17, 17], resized.shape);
        Assert.Equal(2, resized.mean().item<float>(), 4);
    }
}
