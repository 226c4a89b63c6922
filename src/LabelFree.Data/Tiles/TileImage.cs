namespace LabelFree.Data.Tiles;

/// <summary>
/// One 2-D image for self-supervised learning: planar pixels (channels, height, width) scaled to [0, 1], with what is
/// known about it: a class label (a folder name, an atlas region at a patch's centre), a group key (a subject or
/// slide, for MICLe's positives and grouped splits) and a position (a patch centre in world millimetres, a spot's array
/// row and column).
/// </summary>
public sealed record TileImage(string Id, int Channels, int Height, int Width, float[] Pixels)
{
    public string? Label { get; init; }

    public string? Group { get; init; }

    public double[]? Position { get; init; }

    /// <summary>Pixel (c, y, x).</summary>
    public float this[int c, int y, int x] => Pixels[(c * Height + y) * Width + x];
}
