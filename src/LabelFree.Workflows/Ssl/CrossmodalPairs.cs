using System.Globalization;
using LabelFree.Core.Errors;
using LabelFree.Core.Randomness;
using LabelFree.Data.Tables;
using LabelFree.Data.Tiles;

namespace LabelFree.Workflows.Ssl;

/// <summary>
/// Images paired with rows of a second modality for cross-modal contrast: image i belongs to key
/// <see cref="KeyOfImage"/>[i] (a person, a spot), whose row of <see cref="Features"/> is row
/// <see cref="KeyOfImage"/>[i] of <see cref="Rows"/>. The split is by key, so no person's images are on both sides.
/// </summary>
public sealed record CrossmodalPairs(IReadOnlyList<TileImage> Images, int[] KeyOfImage, string[] Keys, float[,] Rows, string[] Features, bool[] HeldOutKey, bool[] Used)
{
    public int[] TrainImages => Enumerable.Range(0, Images.Count).Where(i => !HeldOutKey[KeyOfImage[i]] && Used[i]).ToArray();

    public int[] TestImages => Enumerable.Range(0, Images.Count).Where(i => HeldOutKey[KeyOfImage[i]]).ToArray();

    /// <summary>Visium spots: each tile its own key, its spot's expression the row; the slide's block split.</summary>
    public static CrossmodalPairs FromVisium(VisiumData data) =>
        new(data.Tiles, Enumerable.Range(0, data.Tiles.Count).ToArray(), data.Tiles.Select(t => t.Id).ToArray(), data.Expression, data.Genes, data.HeldOut, data.Used);

    /// <summary>
    /// Images and a CSV/TSV table of numbers keyed by image name: the key column is <c>id</c> (or <c>IID</c>, else the
    /// first column) and every other column is a feature. An image matches the row named by its file name without the
    /// extension (a Visium spot by its barcode) or, for tiles and patches, by the image or volume it was cut from.
    /// Images without a row are left out; a seeded <paramref name="heldOutFraction"/> of the matched keys is held out.
    /// </summary>
    public static CrossmodalPairs FromTable(IReadOnlyList<TileImage> images, string table, double heldOutFraction, long seed)
    {
        var (keys, rows, features) = ReadTable(table);
        var index = keys.Select((k, i) => (k, i)).ToDictionary(p => p.k, p => p.i, StringComparer.Ordinal);
        var matched = new List<TileImage>();
        var keyOf = new List<int>();
        foreach (var image in images)
        {
            var key = Candidates(image).FirstOrDefault(index.ContainsKey);
            if (key is null) continue;
            matched.Add(image);
            keyOf.Add(index[key]);
        }
        var present = keyOf.Distinct().Order().ToArray();
        if (present.Length < 10)
            throw new UserInputException($"{table}: {present.Length} of its {keys.Length} rows match an image name (e.g. '{Candidates(images[0]).First()}'); expected at least 10");
        var heldCount = Math.Clamp((int)Math.Round(heldOutFraction * present.Length), 1, present.Length - 1);
        var held = new bool[keys.Length];
        foreach (var p in Rng.For(seed, "crossmodal-keys").Permutation(present.Length).Take(heldCount)) held[present[p]] = true;
        return new CrossmodalPairs(matched, keyOf.ToArray(), keys, rows, features, held, Enumerable.Repeat(true, matched.Count).ToArray());
    }

    /// <summary>The names a table row may use for <paramref name="image"/>: its own, then its source image's or volume's.</summary>
    public static IEnumerable<string> Candidates(TileImage image)
    {
        yield return Stem(image.Id);
        if (image.Group is { } group) yield return Stem(group);
    }

    /// <summary>A path's file name without its image or NIfTI extension.</summary>
    public static string Stem(string path)
    {
        var name = Path.GetFileName(path);
        foreach (var extension in new[] { ".nii.gz", ".nii", ".png", ".jpg", ".jpeg" })
            if (name.EndsWith(extension, StringComparison.OrdinalIgnoreCase)) return name[..^extension.Length];
        return name;
    }

    private static (string[] Keys, float[,] Rows, string[] Features) ReadTable(string path)
    {
        using var text = DelimitedText.Open(path, "table");
        var keyColumn = text.Find("id") is var id && id >= 0 ? id : text.Find("IID") is var iid && iid >= 0 ? iid : 0;
        var featureColumns = Enumerable.Range(0, text.Header.Length).Where(c => c != keyColumn).ToArray();
        if (featureColumns.Length == 0) throw new UserInputException($"{path}: no feature columns besides the key column '{text.Header[keyColumn]}'");
        var keys = new List<string>();
        var values = new List<float>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (text.Next(out var fields))
        {
            if (!seen.Add(fields[keyColumn])) throw new UserInputException($"{path}:{text.Line}: key '{fields[keyColumn]}' appears twice");
            keys.Add(fields[keyColumn]);
            foreach (var c in featureColumns)
            {
                if (!float.TryParse(fields[c], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !float.IsFinite(v))
                    throw new UserInputException($"{path}:{text.Line}: column '{text.Header[c]}' is '{fields[c]}', expected a finite number");
                values.Add(v);
            }
        }
        if (keys.Count == 0) throw new UserInputException($"{path}: no rows");
        var rows = new float[keys.Count, featureColumns.Length];
        Buffer.BlockCopy(values.ToArray(), 0, rows, 0, values.Count * sizeof(float));
        return (keys.ToArray(), rows, featureColumns.Select(c => text.Header[c]).ToArray());
    }
}
