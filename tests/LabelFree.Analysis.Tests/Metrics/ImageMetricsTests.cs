using LabelFree.Analysis.Metrics;
using LabelFree.Core.Randomness;

namespace LabelFree.Analysis.Tests.Metrics;

public class ImageMetricsTests
{
    [Fact]
    public void Identical_images_have_ssim_1_and_infinite_psnr()
    {
        var image = Noise(12, 10, seed: 1);
        Assert.Equal(1.0, ImageMetrics.Ssim(image, image, 12, 10), 12);
        Assert.Equal(double.PositiveInfinity, ImageMetrics.Psnr(image, image));
    }

    [Fact]
    public void Psnr_follows_the_mean_squared_error()
    {
        var a = new float[100];
        var b = Enumerable.Repeat(0.1f, 100).ToArray();
        Assert.Equal(0.01, ImageMetrics.MeanSquaredError(a, b), 6);
        Assert.Equal(20.0, ImageMetrics.Psnr(a, b), 4);
    }

    [Fact]
    public void A_constant_shift_keeps_structure_and_lowers_only_the_luminance_term()
    {
        // With b = a + d, variances and covariance are unchanged, so each window's SSIM is its luminance term
        // (2 ma mb + c1) / (ma^2 + mb^2 + c1); on a constant image that is the same in every window.
        var a = Enumerable.Repeat(0.4f, 64).ToArray();
        var b = Enumerable.Repeat(0.6f, 64).ToArray();
        const double c1 = 0.0001;
        var expected = (2 * 0.4 * 0.6 + c1) / (0.16 + 0.36 + c1);
        Assert.Equal(expected, ImageMetrics.Ssim(a, b, 8, 8), 5);
    }

    [Fact]
    public void Unrelated_noise_has_low_ssim()
    {
        Assert.InRange(ImageMetrics.Ssim(Noise(32, 32, 1), Noise(32, 32, 2), 32, 32), -0.1, 0.1);
    }

    private static float[] Noise(int height, int width, ulong seed)
    {
        var rng = new Rng(seed);
        return Enumerable.Range(0, height * width).Select(_ => (float)rng.NextDouble()).ToArray();
    }
}
