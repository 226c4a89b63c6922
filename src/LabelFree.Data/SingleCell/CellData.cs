using LabelFree.Core.Errors;

namespace LabelFree.Data.SingleCell;

/// <summary>
/// A single-cell data set: raw counts (cells x genes, sparse), cell names (barcodes), gene names and ids, and per-cell
/// annotation columns (AnnData's <c>obs</c>: batch, cell type, clusters...), all as strings.
/// </summary>
public sealed record CellData(SparseCounts Counts, string[] CellNames, string[] GeneNames, string[] GeneIds, IReadOnlyDictionary<string, string[]> Obs)
{
    public int Cells => Counts.Rows;
    public int Genes => Counts.Columns;

    /// <summary>The values of obs column <paramref name="key"/>; a missing key is the user's mistake.</summary>
    public string[] Column(string key, string source)
    {
        if (Obs.TryGetValue(key, out var values)) return values;
        var known = Obs.Count == 0 ? "it has no obs columns" : $"its obs columns are {string.Join(", ", Obs.Keys)}";
        throw new UserInputException($"{source}: no obs column '{key}' ({known})");
    }

    /// <summary>Each cell's category index in the sorted distinct values of <paramref name="values"/>.</summary>
    public static (int[] Codes, string[] Categories) Encode(IReadOnlyList<string> values)
    {
        var categories = values.Distinct().Order(StringComparer.Ordinal).ToArray();
        var index = categories.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i);
        return (values.Select(v => index[v]).ToArray(), categories);
    }
}
