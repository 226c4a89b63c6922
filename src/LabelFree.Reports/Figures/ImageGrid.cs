using LabelFree.Core.IO;
using SkiaSharp;

namespace LabelFree.Reports.Figures;

/// <summary>
/// One grayscale image: row-major pixels of Height x Width, shown from <see cref="Low"/> (black) to <see cref="High"/>
/// (white), with an optional <see cref="Overlay"/> mask drawn in translucent red.
/// </summary>
public sealed record GrayImage(float[] Pixels, int Height, int Width, float Low = 0, float High = 1)
{
    public bool[]? Overlay { get; init; }
}

/// <summary>A grid of grayscale images with a label on each row, saved as PNG (slices, reconstructions, residual maps).</summary>
public static class ImageGrid
{
    public static void SavePng(string path, IReadOnlyList<(string Label, IReadOnlyList<GrayImage> Images)> rows, int scale = 2)
    {
        if (rows.Count == 0 || rows.All(r => r.Images.Count == 0)) throw new ArgumentException("an image grid needs at least one image");
        const int labelWidth = 130, gap = 4;
        var cellHeight = rows.SelectMany(r => r.Images).Max(i => i.Height) * scale;
        var cellWidth = rows.SelectMany(r => r.Images).Max(i => i.Width) * scale;
        var columns = rows.Max(r => r.Images.Count);
        var width = labelWidth + columns * (cellWidth + gap);
        var height = rows.Count * (cellHeight + gap);

        using var bitmap = new SKBitmap(width, height);
        using var canvas = new SKCanvas(bitmap);
        canvas.Clear(SKColors.White);
        using var font = new SKFont(SKTypeface.Default, 14);
        using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        for (var r = 0; r < rows.Count; r++)
        {
            var top = r * (cellHeight + gap);
            canvas.DrawText(rows[r].Label, 6, top + cellHeight / 2f + 5, SKTextAlign.Left, font, ink);
            for (var c = 0; c < rows[r].Images.Count; c++)
            {
                using var tile = ToBitmap(rows[r].Images[c]);
                var left = labelWidth + c * (cellWidth + gap);
                canvas.DrawBitmap(tile, new SKRect(left, top, left + tile.Width * scale, top + tile.Height * scale));
            }
        }
        using var image = SKImage.FromBitmap(bitmap);
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        AtomicFile.WriteAllBytes(path, png.AsSpan());
    }

    private static SKBitmap ToBitmap(GrayImage image)
    {
        var bitmap = new SKBitmap(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        var range = Math.Max(image.High - image.Low, 1e-12f);
        var bytes = new byte[image.Width * image.Height * 4];
        for (var i = 0; i < image.Width * image.Height; i++)
        {
            var gray = (byte)Math.Clamp((image.Pixels[i] - image.Low) / range * 255f + 0.5f, 0, 255);
            var red = image.Overlay?[i] == true;
            bytes[4 * i] = red ? (byte)(gray / 3 + 170) : gray;
            bytes[4 * i + 1] = red ? (byte)(gray / 3) : gray;
            bytes[4 * i + 2] = red ? (byte)(gray / 3) : gray;
            bytes[4 * i + 3] = 255;
        }
        System.Runtime.InteropServices.Marshal.Copy(bytes, 0, bitmap.GetPixels(), bytes.Length);
        return bitmap;
    }
}
