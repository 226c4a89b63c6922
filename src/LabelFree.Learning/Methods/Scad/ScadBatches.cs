using LabelFree.Core.Randomness;
using LabelFree.Core.Training;
using static TorchSharp.torch;

namespace LabelFree.Learning.Methods.Scad;

/// <summary>A training batch of clean slices and the same slices with a patch of fractal noise added, each (B, 1, H, W).</summary>
public sealed record ScadBatch(Tensor Clean, Tensor Noisy);

/// <summary>
/// Wraps a slice source and adds SCAD's noisy view: per slice one rectangle of random height and width (between the
/// config's fractions of the slice), at a uniform position, gets <see cref="ScadConfig.NoiseAmplitude"/> times fractal
/// noise added. Drawn from the step's random stream.
/// </summary>
public sealed class ScadBatches(IBatchSource<Tensor> slices, ScadConfig config) : IBatchSource<ScadBatch>
{
    public int Count => slices.Count;

    public ScadBatch Load(ReadOnlySpan<int> indices, Rng rng)
    {
        var clean = slices.Load(indices, rng);   // (B, 1, H, W)
        int h = config.Height, w = config.Width;
        var noise = new float[indices.Length * h * w];
        for (var b = 0; b < indices.Length; b++)
        {
            var ph = Side(h, rng);
            var pw = Side(w, rng);
            var top = rng.NextInt(h - ph + 1);
            var left = rng.NextInt(w - pw + 1);
            var patch = FractalNoise.Patch(ph, pw, config.NoiseOctaves, config.NoisePersistence, config.NoisePeriodPixels, rng);
            for (var y = 0; y < ph; y++)
                for (var x = 0; x < pw; x++)
                    noise[(b * h + top + y) * w + left + x] = (float)(config.NoiseAmplitude * patch[y * pw + x]);
        }
        var noisy = clean + tensor(noise, [indices.Length, 1, h, w], device: clean.device);
        return new ScadBatch(clean, noisy);
    }

    private int Side(int size, Rng rng)
    {
        var low = Math.Max(1, (int)Math.Round(config.MinNoiseFraction * size));
        var high = Math.Max(low, (int)Math.Round(config.MaxNoiseFraction * size));
        return rng.NextInt(low, high + 1);
    }
}

/// <summary>
/// Fractal gradient (Perlin) noise: octaves of 2-D gradient noise, each at half the previous period and
/// <c>persistence</c> times its amplitude, as the simplex noise of SCAD's and AnoDDPM's reference code layers them.
/// </summary>
public static class FractalNoise
{
    /// <summary>A height x width patch (row-major), values roughly in [-1, 1] times the sum of the amplitudes.</summary>
    public static double[] Patch(int height, int width, int octaves, double persistence, double period, Rng rng)
    {
        var result = new double[height * width];
        var amplitude = 1.0;
        for (var o = 0; o < octaves; o++)
        {
            var cellsY = (int)Math.Ceiling(height / period) + 2;
            var cellsX = (int)Math.Ceiling(width / period) + 2;
            var angles = new double[cellsY * cellsX];
            for (var i = 0; i < angles.Length; i++) angles[i] = rng.Uniform(0, 2 * Math.PI);
            double offsetY = rng.NextDouble(), offsetX = rng.NextDouble();
            for (var y = 0; y < height; y++)
                for (var x = 0; x < width; x++)
                    result[y * width + x] += amplitude * Gradient(y / period + offsetY, x / period + offsetX, angles, cellsX);
            period = Math.Max(period / 2, 0.5);
            amplitude *= persistence;
        }
        return result;
    }

    private static double Gradient(double y, double x, double[] angles, int cellsX)
    {
        int y0 = (int)Math.Floor(y), x0 = (int)Math.Floor(x);
        double fy = y - y0, fx = x - x0;
        double Corner(int dy, int dx)
        {
            var angle = angles[(y0 + dy) * cellsX + x0 + dx];
            return Math.Cos(angle) * (fx - dx) + Math.Sin(angle) * (fy - dy);
        }
        static double Fade(double t) => t * t * t * (t * (t * 6 - 15) + 10);
        double u = Fade(fx), v = Fade(fy);
        var top = Corner(0, 0) + u * (Corner(0, 1) - Corner(0, 0));
        var bottom = Corner(1, 0) + u * (Corner(1, 1) - Corner(1, 0));
        return (top + v * (bottom - top)) * Math.Sqrt(2);
    }
}
