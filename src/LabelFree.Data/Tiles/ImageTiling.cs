namespace LabelFree.Data.Tiles;

/// <summary>Cuts a large image (a histology slide) into square tiles.</summary>
public static class ImageTiling
{
    /// <summary>Non-overlapping <paramref name="size"/>-pixel tiles on a grid from the top left (a remainder narrower than a tile is dropped); each tile's id names its corner.</summary>
    public static IEnumerable<TileImage> Grid(TileImage image, int size)
    {
        for (var top = 0; top + size <= image.Height; top += size)
            for (var left = 0; left + size <= image.Width; left += size)
            {
                var pixels = new float[image.Channels * size * size];
                for (var c = 0; c < image.Channels; c++)
                    for (var y = 0; y < size; y++)
                        Array.Copy(image.Pixels, (c * image.Height + top + y) * image.Width + left, pixels, (c * size + y) * size, size);
                yield return new TileImage($"{image.Id}@{top},{left}", image.Channels, size, size, pixels) { Label = image.Label, Group = image.Id, Position = [top, left] };
            }
    }
}
