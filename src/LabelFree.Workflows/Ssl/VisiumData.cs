using LabelFree.Core.Errors;
using LabelFree.Core.Randomness;
using LabelFree.Data.SingleCell;
using LabelFree.Data.Tiles;

namespace LabelFree.Workflows.Ssl;

/// <summary>
/// A Visium folder (Space Ranger output: filtered_feature_bc_matrix.h5, plain or gzipped, and spatial/) cut into
/// <paramref name="Tile"/>-pixel tiles of the low-resolution H&amp;E image around each spot, with the spots split into
/// a <paramref name="Blocks"/> x <paramref name="Blocks"/> grid over the array and a seeded
/// <paramref name="HeldOutFraction"/> of the non-empty blocks held out; genes detected in at least
/// <paramref name="MinSpotFraction"/> of the spots.
/// </summary>
public sealed record VisiumSettings(string Folder, int Tile = SslImageInput.VisiumTile, int Blocks = 4, double HeldOutFraction = 0.25, double MinSpotFraction = 0.1)
{
    public VisiumSettings Check()
    {
        if (!Directory.Exists(Folder)) throw new UserInputException($"{Folder}: no such Visium folder");
        _ = CountsFile;
        if (!Directory.Exists(Path.Combine(Folder, "spatial"))) throw new UserInputException($"{Folder}: no spatial/ folder (tissue positions, scale factors, low-resolution image)");
        if (Tile < 8) throw new SettingException("tile", $"expected at least 8 pixels, got {Tile}");
        if (Blocks < 2) throw new SettingException("blocks", $"expected at least 2 blocks per side, got {Blocks}");
        if (HeldOutFraction is <= 0 or >= 1) throw new SettingException("held_out_fraction", $"expected a number in (0, 1), got {HeldOutFraction}");
        if (MinSpotFraction is < 0 or >= 1) throw new SettingException("min_spot_fraction", $"expected a number in [0, 1), got {MinSpotFraction}");
        return this;
    }

    public string CountsFile => new[] { "filtered_feature_bc_matrix.h5", "filtered_feature_bc_matrix.h5.gz" }.Select(n => Path.Combine(Folder, n)).FirstOrDefault(File.Exists)
        ?? throw new UserInputException($"{Folder}: no filtered_feature_bc_matrix.h5(.gz)");
}

/// <summary>
/// The spots of a Visium slide as samples: tiles, log-normalised expression (normalised to 10,000 counts, log1p), each
/// spot's spatial block and whether it is held out. Training spots whose tile would overlap a held-out spot's tile are
/// left out of training (<see cref="Used"/> false), so no pixel is in both.
/// </summary>
public sealed record VisiumData(IReadOnlyList<TileImage> Tiles, float[,] Expression, string[] Genes, int[] Block, bool[] HeldOut, bool[] Used)
{
    public int[] TrainRows => Enumerable.Range(0, Tiles.Count).Where(i => !HeldOut[i] && Used[i]).ToArray();

    public int[] TestRows => Enumerable.Range(0, Tiles.Count).Where(i => HeldOut[i]).ToArray();

    public static VisiumData Read(VisiumSettings settings, long seed)
    {
        settings.Check();
        var cells = CellDataReader.Read(settings.CountsFile);
        var rowOf = cells.CellNames.Select((b, i) => (b, i)).ToDictionary(p => p.b, p => p.i);
        var spots = VisiumSpots.Read(Path.Combine(settings.Folder, "spatial"));
        var tiles = spots.Tiles(settings.Tile, s => rowOf.ContainsKey(s.Barcode));
        if (tiles.Count < 20) throw new UserInputException($"{settings.Folder}: {tiles.Count} spots on tissue match the count matrix's barcodes; expected at least 20");

        var counts = cells.Counts.SelectRows(tiles.Select(t => rowOf[t.Id]).ToArray());
        var dense = Normalization.LogNormalizedRows(counts, 0, counts.Rows);
        var detected = Enumerable.Range(0, counts.Columns).Where(g => Enumerable.Range(0, counts.Rows).Count(r => dense[r * counts.Columns + g] > 0) >= settings.MinSpotFraction * counts.Rows).ToArray();
        if (detected.Length == 0) throw new UserInputException($"{settings.CountsFile}: no gene is detected in {settings.MinSpotFraction:P0} of the spots");
        var expression = new float[tiles.Count, detected.Length];
        for (var r = 0; r < tiles.Count; r++)
            for (var g = 0; g < detected.Length; g++) expression[r, g] = dense[r * counts.Columns + detected[g]];

        var rows = tiles.Select(t => t.Position![0]).ToArray();
        var columns = tiles.Select(t => t.Position![1]).ToArray();
        int Bin(double v, double min, double max) => Math.Min(settings.Blocks - 1, (int)((v - min) / (max - min + 1e-9) * settings.Blocks));
        var block = tiles.Select((_, i) => Bin(rows[i], rows.Min(), rows.Max()) * settings.Blocks + Bin(columns[i], columns.Min(), columns.Max())).ToArray();
        var occupied = block.Distinct().Order().ToArray();
        var heldCount = Math.Clamp((int)Math.Round(settings.HeldOutFraction * occupied.Length), 1, occupied.Length - 1);
        var held = Rng.For(seed, "visium-blocks").Permutation(occupied.Length).Take(heldCount).Select(i => occupied[i]).ToHashSet();
        var heldOut = block.Select(held.Contains).ToArray();

        // Tiles overlap when their centres are closer than a tile side (in low-resolution pixels) on both axes.
        var spotOf = spots.Spots.ToDictionary(s => s.Barcode);
        var centres = tiles.Select(t => spotOf[t.Id]).Select(s => (Y: s.PixelRow * spots.LowresScale, X: s.PixelColumn * spots.LowresScale)).ToArray();
        var testCentres = centres.Where((_, i) => heldOut[i]).ToArray();
        var used = centres.Select((c, i) => heldOut[i] || testCentres.All(t => Math.Abs(t.Y - c.Y) >= settings.Tile || Math.Abs(t.X - c.X) >= settings.Tile)).ToArray();
        return new VisiumData(tiles, expression, detected.Select(g => cells.GeneNames[g]).ToArray(), block, heldOut, used);
    }
}
