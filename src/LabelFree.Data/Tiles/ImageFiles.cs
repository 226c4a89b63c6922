using LabelFree.Core.Errors;
using LabelFree.Core.IO;
using SkiaSharp;

namespace LabelFree.Data.Tiles;

/// <summary>
/// PNG and JPEG images through SkiaSharp: one file, or a folder of them (searched recursively, in ordinal path order).
/// In a folder with sub-folders, each image's label is the name of the first sub-folder it lies in (the ImageNet
/// layout: <c>train/cat/1.png</c> has label <c>cat</c>). Colour images become 3 channels (RGB), grey ones 1.
/// </summary>
public static class ImageFiles
{
    public static readonly string[] Extensions = [".png", ".jpg", ".jpeg"];

    /// <summary>Whether <paramref name="path"/> names an image file this reader takes.</summary>
    public static bool IsImage(string path) => Extensions.Contains(Path.GetExtension(path).ToLowerInvariant());

    public static IReadOnlyList<TileImage> Read(string path)
    {
        if (File.Exists(path)) return [ReadFile(path, null)];
        if (!Directory.Exists(path)) throw new UserInputException($"{path}: no such image file or folder");
        var root = Path.GetFullPath(path);
        var files = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Where(IsImage).Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0) throw new UserInputException($"{path}: no PNG or JPEG images in this folder");
        return files.Select(f =>
        {
            var relative = Path.GetRelativePath(root, f);
            var parts = relative.Split(Path.DirectorySeparatorChar);
            return ReadFile(f, parts.Length > 1 ? parts[0] : null) with { Id = relative };
        }).ToList();
    }

    public static TileImage ReadFile(string path, string? label)
    {
        using var bitmap = SKBitmap.Decode(path) ?? throw new UserInputException($"{path}: not a readable PNG or JPEG image");
        using var rgba = bitmap.ColorType == SKColorType.Rgba8888 ? null : bitmap.Copy(SKColorType.Rgba8888);
        var source = rgba ?? bitmap;
        if (source is null) throw new UserInputException($"{path}: cannot convert the image to RGBA");
        int width = source.Width, height = source.Height;
        var bytes = source.Bytes;  // RGBA, row by row
        var grey = bitmap.ColorType is SKColorType.Gray8 or SKColorType.Alpha8;
        var channels = grey ? 1 : 3;
        var pixels = new float[channels * height * width];
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
            {
                var at = (y * width + x) * 4;
                for (var c = 0; c < channels; c++) pixels[(c * height + y) * width + x] = bytes[at + c] / 255f;
            }
        return new TileImage(Path.GetFileName(path), channels, height, width, pixels) { Label = label };
    }

    /// <summary>Writes an image as PNG (1 channel grey or 3 channels RGB, values clipped to [0, 1]).</summary>
    public static void WritePng(string path, TileImage image)
    {
        using var bitmap = new SKBitmap(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        for (var y = 0; y < image.Height; y++)
            for (var x = 0; x < image.Width; x++)
            {
                byte Byte(int c) => (byte)Math.Round(255 * Math.Clamp(image[Math.Min(c, image.Channels - 1), y, x], 0, 1));
                bitmap.SetPixel(x, y, new SKColor(Byte(0), Byte(1), Byte(2)));
            }
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        AtomicFile.Write(path, data.SaveTo);
    }
}
