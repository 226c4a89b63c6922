using LabelFree.Core.Randomness;

namespace LabelFree.Data.Tiles;

/// <summary>Pixel operations on planar (channels, side, side) images in [0, 1], as torchvision and PIL define them.</summary>
public static class ImageOps
{
    /// <summary>
    /// torchvision's RandomResizedCrop: up to 10 tries at an area fraction uniform in <paramref name="scale"/> and a
    /// log-uniform aspect ratio in [3/4, 4/3], else the central crop; then bilinear resizing to <paramref name="size"/>.
    /// </summary>
    public static float[] RandomResizedCrop(TileImage image, int size, (double Min, double Max) scale, Rng rng)
    {
        int height = image.Height, width = image.Width;
        double area = height * width, logLow = Math.Log(3.0 / 4), logHigh = Math.Log(4.0 / 3);
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var target = area * rng.Uniform(scale.Min, scale.Max);
            var ratio = Math.Exp(rng.Uniform(logLow, logHigh));
            var w = (int)Math.Round(Math.Sqrt(target * ratio));
            var h = (int)Math.Round(Math.Sqrt(target / ratio));
            if (w <= 0 || h <= 0 || w > width || h > height) continue;
            var top = rng.NextInt(height - h + 1);
            var left = rng.NextInt(width - w + 1);
            return Resize(image, top, left, h, w, size);
        }
        var side = Math.Min(height, width);
        return Resize(image, (height - side) / 2, (width - side) / 2, side, side, size);
    }

    /// <summary>The largest central square of <paramref name="image"/>, resized to <paramref name="size"/> (the view used for embedding).</summary>
    public static float[] CentreSquare(TileImage image, int size)
    {
        var side = Math.Min(image.Height, image.Width);
        return side == size && image.Height == image.Width ? (float[])image.Pixels.Clone() : Resize(image, (image.Height - side) / 2, (image.Width - side) / 2, side, side, size);
    }

    /// <summary>The box (top, left, h, w) resized bilinearly to (size, size), pixel centres aligned as torch's align_corners=False.</summary>
    public static float[] Resize(TileImage image, int top, int left, int h, int w, int size)
    {
        var result = new float[image.Channels * size * size];
        double sy = (double)h / size, sx = (double)w / size;
        for (var y = 0; y < size; y++)
        {
            var fy = Math.Clamp((y + 0.5) * sy - 0.5, 0, h - 1);
            var y0 = (int)fy;
            var y1 = Math.Min(y0 + 1, h - 1);
            var wy = fy - y0;
            for (var x = 0; x < size; x++)
            {
                var fx = Math.Clamp((x + 0.5) * sx - 0.5, 0, w - 1);
                var x0 = (int)fx;
                var x1 = Math.Min(x0 + 1, w - 1);
                var wx = fx - x0;
                for (var c = 0; c < image.Channels; c++)
                {
                    var v = (1 - wy) * ((1 - wx) * image[c, top + y0, left + x0] + wx * image[c, top + y0, left + x1])
                            + wy * ((1 - wx) * image[c, top + y1, left + x0] + wx * image[c, top + y1, left + x1]);
                    result[(c * size + y) * size + x] = (float)v;
                }
            }
        }
        return result;
    }

    public static void FlipHorizontal(float[] view, int channels, int size)
    {
        for (var c = 0; c < channels; c++)
            for (var y = 0; y < size; y++)
                Array.Reverse(view, (c * size + y) * size, size);
    }

    /// <summary>torchvision's ColorJitter: brightness, contrast, saturation and hue factors drawn from their ranges and applied in a random order, each result clipped to [0, 1].</summary>
    public static void ColourJitter(float[] view, int channels, int size, double brightness, double contrast, double saturation, double hue, Rng rng)
    {
        var order = rng.Permutation(4);
        var b = rng.Uniform(Math.Max(0, 1 - brightness), 1 + brightness);
        var c = rng.Uniform(Math.Max(0, 1 - contrast), 1 + contrast);
        var s = rng.Uniform(Math.Max(0, 1 - saturation), 1 + saturation);
        var h = rng.Uniform(-hue, hue);
        foreach (var op in order)
        {
            switch (op)
            {
                case 0 when brightness > 0:
                    Blend(view, 0f, b);
                    break;
                case 1 when contrast > 0:
                    Blend(view, (float)MeanGrey(view, channels, size), c);
                    break;
                case 2 when saturation > 0 && channels == 3:
                    var grey = GreyPlane(view, size);
                    for (var ch = 0; ch < 3; ch++)
                        for (var i = 0; i < size * size; i++) view[ch * size * size + i] = Clip(grey[i] + s * (view[ch * size * size + i] - grey[i]));
                    break;
                case 3 when hue > 0 && channels == 3:
                    ShiftHue(view, size, h);
                    break;
            }
        }
    }

    /// <summary>MRI intensity jitter: brightness (multiplicative), contrast about the mean, and gamma, each drawn from its range.</summary>
    public static void IntensityJitter(float[] view, double brightness, double contrast, (double Min, double Max) gamma, Rng rng)
    {
        Blend(view, 0f, rng.Uniform(Math.Max(0, 1 - brightness), 1 + brightness));
        Blend(view, view.Average(), rng.Uniform(Math.Max(0, 1 - contrast), 1 + contrast));
        var g = Math.Exp(rng.Uniform(Math.Log(gamma.Min), Math.Log(gamma.Max)));
        for (var i = 0; i < view.Length; i++) view[i] = (float)Math.Pow(view[i], g);
    }

    /// <summary>ITU-R 601 luma (PIL's "L") in all three channels.</summary>
    public static void Greyscale(float[] view, int size)
    {
        var grey = GreyPlane(view, size);
        for (var ch = 0; ch < 3; ch++) grey.CopyTo(view, ch * size * size);
    }

    /// <summary>A separable Gaussian blur with reflected edges; the kernel spans <paramref name="kernelFraction"/> of the side (odd, at least 3) or 3 sigma either side.</summary>
    public static void GaussianBlur(float[] view, int channels, int size, double sigma, double? kernelFraction)
    {
        var radius = kernelFraction is { } f ? Math.Max(1, (int)(f * size) / 2) : Math.Max(1, (int)Math.Ceiling(3 * sigma));
        var kernel = Enumerable.Range(-radius, 2 * radius + 1).Select(d => Math.Exp(-d * d / (2 * sigma * sigma))).ToArray();
        var total = kernel.Sum();
        for (var i = 0; i < kernel.Length; i++) kernel[i] /= total;
        var buffer = new float[size * size];
        for (var c = 0; c < channels; c++)
        {
            var plane = view.AsSpan(c * size * size, size * size);
            for (var pass = 0; pass < 2; pass++)
            {
                for (var y = 0; y < size; y++)
                    for (var x = 0; x < size; x++)
                    {
                        double sum = 0;
                        for (var d = -radius; d <= radius; d++)
                        {
                            var at = Reflect((pass == 0 ? x : y) + d, size);
                            sum += kernel[d + radius] * (pass == 0 ? plane[y * size + at] : plane[at * size + x]);
                        }
                        buffer[y * size + x] = (float)sum;
                    }
                buffer.CopyTo(plane);
            }
        }
    }

    /// <summary>PIL's solarize at 128 of 255: values at or above 0.5 become 1 - value.</summary>
    public static void Solarize(float[] view)
    {
        for (var i = 0; i < view.Length; i++)
            if (view[i] >= 0.5f) view[i] = 1 - view[i];
    }

    private static int Reflect(int i, int size) => i < 0 ? Math.Min(-i, size - 1) : i >= size ? Math.Max(2 * size - 2 - i, 0) : i;

    private static float Clip(double v) => (float)Math.Clamp(v, 0, 1);

    /// <summary>view = clip(towards + factor (view - towards)).</summary>
    private static void Blend(float[] view, float towards, double factor)
    {
        for (var i = 0; i < view.Length; i++) view[i] = Clip(towards + factor * (view[i] - towards));
    }

    private static float[] GreyPlane(float[] view, int size)
    {
        var plane = size * size;
        var grey = new float[plane];
        for (var i = 0; i < plane; i++) grey[i] = 0.299f * view[i] + 0.587f * view[plane + i] + 0.114f * view[2 * plane + i];
        return grey;
    }

    private static double MeanGrey(float[] view, int channels, int size) => channels == 3 ? GreyPlane(view, size).Average() : view.Average();

    /// <summary>Rotates each pixel's hue by <paramref name="shift"/> of a turn (HSV, as torchvision's adjust_hue).</summary>
    private static void ShiftHue(float[] view, int size, double shift)
    {
        var plane = size * size;
        for (var i = 0; i < plane; i++)
        {
            double r = view[i], g = view[plane + i], b = view[2 * plane + i];
            double max = Math.Max(r, Math.Max(g, b)), min = Math.Min(r, Math.Min(g, b)), delta = max - min;
            if (delta <= 0) continue;
            double h = max == r ? (g - b) / delta : max == g ? 2 + (b - r) / delta : 4 + (r - g) / delta;
            h = ((h / 6 + shift) % 1 + 1) % 1 * 6;
            double s = delta / max, v = max;
            var sector = (int)Math.Floor(h) % 6;
            var f = h - Math.Floor(h);
            double p = v * (1 - s), q = v * (1 - s * f), t = v * (1 - s * (1 - f));
            (r, g, b) = sector switch { 0 => (v, t, p), 1 => (q, v, p), 2 => (p, v, t), 3 => (p, q, v), 4 => (t, p, v), _ => (v, p, q) };
            (view[i], view[plane + i], view[2 * plane + i]) = ((float)r, (float)g, (float)b);
        }
    }
}
