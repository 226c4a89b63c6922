using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace LabelFree.Learning.Nn;

/// <summary>Separable Gaussian smoothing of one-channel maps (as scipy's gaussian_filter, truncated at 4 sigma, edges replicated).</summary>
public static class GaussianSmoothing
{
    /// <summary>(B, 1, H, W) -> (B, 1, H, W) smoothed with a Gaussian of <paramref name="sigma"/> pixels; 0 returns the input.</summary>
    public static Tensor Apply2d(Tensor maps, double sigma)
    {
        if (sigma <= 0) return maps;
        var radius = (int)Math.Ceiling(4 * sigma);
        var weights = Enumerable.Range(-radius, 2 * radius + 1).Select(i => Math.Exp(-0.5 * i * i / (sigma * sigma))).ToArray();
        var sum = weights.Sum();
        var kernel = tensor(weights.Select(v => (float)(v / sum)).ToArray(), device: maps.device);
        var padded = functional.pad(maps, [radius, radius, radius, radius], TorchSharp.PaddingModes.Replicate);
        var rows = functional.conv2d(padded, kernel.view(1, 1, 1, -1));   // (B, 1, H + 2r, W)
        return functional.conv2d(rows, kernel.view(1, 1, -1, 1));          // (B, 1, H, W)
    }
}
