using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using LabelFree.Core.Errors;

namespace LabelFree.Data.Tiles;

/// <summary>One Visium spot: its barcode, whether it lies on tissue, its array row and column, and its centre in full-resolution image pixels.</summary>
public sealed record VisiumSpot(string Barcode, bool InTissue, int ArrayRow, int ArrayColumn, double PixelRow, double PixelColumn);

/// <summary>
/// A Space Ranger <c>spatial/</c> folder: tissue_positions_list.csv (or tissue_positions.csv, with or without a
/// header; gzipped or not), scalefactors_json.json and the low-resolution H&amp;E image; <see cref="Tiles"/> cuts a
/// square tile of the low-resolution image around each spot on tissue.
/// </summary>
public sealed class VisiumSpots
{
    private VisiumSpots(IReadOnlyList<VisiumSpot> spots, double lowresScale, double spotDiameter, TileImage image)
    {
        Spots = spots;
        LowresScale = lowresScale;
        SpotDiameterFullres = spotDiameter;
        Image = image;
    }

    public IReadOnlyList<VisiumSpot> Spots { get; }

    /// <summary>Low-resolution image pixels per full-resolution pixel (tissue_lowres_scalef).</summary>
    public double LowresScale { get; }

    public double SpotDiameterFullres { get; }

    /// <summary>The low-resolution H&amp;E image.</summary>
    public TileImage Image { get; }

    /// <summary>A spot's diameter in low-resolution pixels.</summary>
    public double SpotDiameterLowres => SpotDiameterFullres * LowresScale;

    public static VisiumSpots Read(string spatialFolder)
    {
        if (!Directory.Exists(spatialFolder)) throw new UserInputException($"{spatialFolder}: no such Visium spatial folder");
        var positions = new[] { "tissue_positions_list.csv", "tissue_positions_list.csv.gz", "tissue_positions.csv", "tissue_positions.csv.gz" }
            .Select(n => Path.Combine(spatialFolder, n)).FirstOrDefault(File.Exists)
            ?? throw new UserInputException($"{spatialFolder}: no tissue_positions_list.csv(.gz) or tissue_positions.csv(.gz)");
        var factors = Path.Combine(spatialFolder, "scalefactors_json.json");
        UserInputException.RequireFile(factors, "Visium scale factors");
        var imagePath = Path.Combine(spatialFolder, "tissue_lowres_image.png");
        UserInputException.RequireFile(imagePath, "Visium low-resolution image");

        double lowres, diameter;
        try
        {
            using var json = JsonDocument.Parse(File.ReadAllText(factors));
            lowres = json.RootElement.GetProperty("tissue_lowres_scalef").GetDouble();
            diameter = json.RootElement.GetProperty("spot_diameter_fullres").GetDouble();
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new UserInputException($"{factors}: expected tissue_lowres_scalef and spot_diameter_fullres ({e.Message})");
        }
        return new VisiumSpots(ReadPositions(positions), lowres, diameter, ImageFiles.ReadFile(imagePath, null));
    }

    private static List<VisiumSpot> ReadPositions(string path)
    {
        using var stream = File.OpenRead(path);
        using var reader = new StreamReader(path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(stream, CompressionMode.Decompress) : stream);
        var spots = new List<VisiumSpot>();
        var number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (line.Length == 0 || line.StartsWith("barcode", StringComparison.Ordinal)) continue;
            var f = line.Split(',');
            if (f.Length < 6 || !int.TryParse(f[1], CultureInfo.InvariantCulture, out var inTissue) || !int.TryParse(f[2], CultureInfo.InvariantCulture, out var row)
                || !int.TryParse(f[3], CultureInfo.InvariantCulture, out var column) || !double.TryParse(f[4], CultureInfo.InvariantCulture, out var pixelRow)
                || !double.TryParse(f[5], CultureInfo.InvariantCulture, out var pixelColumn))
                throw new UserInputException($"{path}, line {number}: expected barcode,in_tissue,array_row,array_col,pxl_row,pxl_col");
            spots.Add(new VisiumSpot(f[0], inTissue == 1, row, column, pixelRow, pixelColumn));
        }
        if (spots.Count == 0) throw new UserInputException($"{path}: no spots");
        return spots;
    }

    /// <summary>
    /// A <paramref name="size"/>-pixel square of the low-resolution image centred on each spot on tissue that
    /// <paramref name="keep"/> accepts (all by default); pixels outside the image are white (background). Each tile's
    /// id is the barcode and its position the spot's (array row, array column).
    /// </summary>
    public IReadOnlyList<TileImage> Tiles(int size, Func<VisiumSpot, bool>? keep = null)
    {
        if (size < 4) throw new SettingException("tile", $"expected at least 4 pixels, got {size}");
        var tiles = new List<TileImage>();
        var image = Image;
        foreach (var spot in Spots.Where(s => s.InTissue && (keep?.Invoke(s) ?? true)))
        {
            var cy = spot.PixelRow * LowresScale;
            var cx = spot.PixelColumn * LowresScale;
            var top = (int)Math.Round(cy - size / 2.0);
            var left = (int)Math.Round(cx - size / 2.0);
            var pixels = new float[image.Channels * size * size];
            for (var c = 0; c < image.Channels; c++)
                for (var y = 0; y < size; y++)
                    for (var x = 0; x < size; x++)
                    {
                        int sy = top + y, sx = left + x;
                        pixels[(c * size + y) * size + x] = sy >= 0 && sy < image.Height && sx >= 0 && sx < image.Width ? image[c, sy, sx] : 1f;
                    }
            tiles.Add(new TileImage(spot.Barcode, image.Channels, size, size, pixels) { Position = [spot.ArrayRow, spot.ArrayColumn], Group = "visium" });
        }
        return tiles;
    }
}
