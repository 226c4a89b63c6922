using LabelFree.Core.IO;
using SkiaSharp;

namespace LabelFree.Reports.Figures;

/// <summary>
/// A DNA sequence logo (Schneider and Stephens 1990) of a position frequency matrix, saved as PNG: at each position the
/// stack height is the information content 2 - H (bits, H the entropy of the base frequencies; no small-sample
/// correction), each base's letter as tall as its share of the stack, the most frequent on top, in the classic colours
/// (A green, C blue, G orange, T red).
/// </summary>
public static class SequenceLogo
{
    private const string Bases = "ACGT";
    private static readonly SKColor[] Colours = [new(0x10, 0x96, 0x48), new(0x25, 0x5C, 0x99), new(0xF7, 0xB3, 0x2B), new(0xD6, 0x28, 0x39)];

    /// <summary>Letter heights in bits per position: (positions, 4) from counts (positions, 4) of A, C, G, T.</summary>
    public static double[,] Heights(int[,] counts)
    {
        var positions = counts.GetLength(0);
        var heights = new double[positions, 4];
        for (var p = 0; p < positions; p++)
        {
            double total = 0;
            for (var b = 0; b < 4; b++) total += counts[p, b];
            if (total == 0) continue;
            double entropy = 0;
            for (var b = 0; b < 4; b++)
            {
                var f = counts[p, b] / total;
                if (f > 0) entropy -= f * Math.Log2(f);
            }
            for (var b = 0; b < 4; b++) heights[p, b] = counts[p, b] / total * (2 - entropy);
        }
        return heights;
    }

    public static void SavePng(string path, int[,] counts, string title, int columnWidth = 28, int plotHeight = 160)
    {
        var heights = Heights(counts);
        var positions = counts.GetLength(0);
        const int left = 48, top = 30, bottom = 26, right = 12;
        var width = left + positions * columnWidth + right;
        var height = top + plotHeight + bottom;
        using var bitmap = new SKBitmap(width, height);
        using var canvas = new SKCanvas(bitmap);
        canvas.Clear(SKColors.White);
        using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true, StrokeWidth = 1 };
        using var small = new SKFont(SKTypeface.Default, 11);
        using var heading = new SKFont(SKTypeface.Default, 14);
        canvas.DrawText(title, left, 18, SKTextAlign.Left, heading, ink);
        var baseline = top + plotHeight;
        canvas.DrawLine(left - 4, top, left - 4, baseline, ink);
        foreach (var bits in new[] { 0.0, 1.0, 2.0 })
        {
            var y = (float)(baseline - bits / 2 * plotHeight);
            canvas.DrawLine(left - 8, y, left - 4, y, ink);
            canvas.DrawText($"{bits:0}", left - 12, y + 4, SKTextAlign.Right, small, ink);
        }
        canvas.Save();
        canvas.RotateDegrees(-90, 12, top + plotHeight / 2f);
        canvas.DrawText("bits", 12, top + plotHeight / 2f + 4, SKTextAlign.Center, small, ink);
        canvas.Restore();

        using var glyphFont = new SKFont(SKTypeface.FromFamilyName(null, SKFontStyle.Bold), 100);
        for (var p = 0; p < positions; p++)
        {
            var x = left + p * columnWidth;
            canvas.DrawText($"{p + 1}", x + columnWidth / 2f, baseline + 16, SKTextAlign.Center, small, ink);
            var y = (float)baseline;
            foreach (var b in Enumerable.Range(0, 4).OrderBy(b => heights[p, b]))
            {
                var h = (float)(heights[p, b] / 2 * plotHeight);
                if (h < 0.5f) continue;
                DrawLetter(canvas, glyphFont, Bases[b], Colours[b], new SKRect(x + 1, y - h, x + columnWidth - 1, y));
                y -= h;
            }
        }
        using var image = SKImage.FromBitmap(bitmap);
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        AtomicFile.WriteAllBytes(path, png.AsSpan());
    }

    /// <summary>Draws <paramref name="letter"/> stretched to fill <paramref name="box"/>.</summary>
    private static void DrawLetter(SKCanvas canvas, SKFont font, char letter, SKColor colour, SKRect box)
    {
        using var glyph = font.GetTextPath(letter.ToString(), new SKPoint(0, 0));
        var bounds = glyph.TightBounds;
        if (bounds.Width <= 0 || bounds.Height <= 0) return;
        var matrix = SKMatrix.CreateTranslation(-bounds.Left, -bounds.Top)
            .PostConcat(SKMatrix.CreateScale(box.Width / bounds.Width, box.Height / bounds.Height))
            .PostConcat(SKMatrix.CreateTranslation(box.Left, box.Top));
        glyph.Transform(matrix);
        using var paint = new SKPaint { Color = colour, IsAntialias = true, Style = SKPaintStyle.Fill };
        canvas.DrawPath(glyph, paint);
    }
}
