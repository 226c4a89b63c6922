namespace LabelFree.Data.Imaging;

/// <summary>Binary area opening of 2-D slices: removes 4-connected foreground components smaller than a given area.</summary>
public static class AreaOpening
{
    /// <summary>
    /// In place on a row-major <paramref name="height"/> x <paramref name="width"/> mask: components with fewer than
    /// <paramref name="minArea"/> pixels are cleared (scikit-image's area_opening with connectivity 1 on a binary image).
    /// </summary>
    public static void Apply(Span<bool> mask, int height, int width, int minArea)
    {
        if (mask.Length != height * width) throw new ArgumentException($"mask has {mask.Length} pixels, expected {height}x{width}");
        var label = new int[mask.Length];
        var stack = new Stack<int>();
        var members = new List<int>();
        var next = 0;
        for (var start = 0; start < mask.Length; start++)
        {
            if (!mask[start] || label[start] != 0) continue;
            next++;
            members.Clear();
            stack.Push(start);
            label[start] = next;
            while (stack.Count > 0)
            {
                var p = stack.Pop();
                members.Add(p);
                int r = p / width, c = p % width;
                Visit(mask, label, stack, next, r > 0 ? p - width : -1);
                Visit(mask, label, stack, next, r < height - 1 ? p + width : -1);
                Visit(mask, label, stack, next, c > 0 ? p - 1 : -1);
                Visit(mask, label, stack, next, c < width - 1 ? p + 1 : -1);
            }
            if (members.Count < minArea) foreach (var p in members) mask[p] = false;
        }
    }

    private static void Visit(Span<bool> mask, int[] label, Stack<int> stack, int id, int p)
    {
        if (p < 0 || !mask[p] || label[p] != 0) return;
        label[p] = id;
        stack.Push(p);
    }
}
