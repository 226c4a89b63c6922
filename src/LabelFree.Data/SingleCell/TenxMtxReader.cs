using System.Globalization;
using LabelFree.Core.Errors;
using LabelFree.Core.IO;

namespace LabelFree.Data.SingleCell;

/// <summary>
/// Reads a 10x Genomics MatrixMarket folder: <c>matrix.mtx</c> (genes x cells, coordinate format, 1-based), with
/// <c>genes.tsv</c> (Cell Ranger 2: id, name) or <c>features.tsv</c> (Cell Ranger 3: id, name, type) and
/// <c>barcodes.tsv</c>; each file may be gzipped. The matrix is transposed into CSR cells x genes as it is read.
/// </summary>
public static class TenxMtxReader
{
    /// <summary>Whether <paramref name="folder"/> looks like a 10x MatrixMarket folder.</summary>
    public static bool IsMtxFolder(string folder) => Directory.Exists(folder) && Find(folder, "matrix.mtx") is not null;

    public static CellData Read(string folder)
    {
        if (!Directory.Exists(folder)) throw new UserInputException($"{folder}: 10x MatrixMarket folder not found");
        var matrixPath = Find(folder, "matrix.mtx") ?? throw new UserInputException($"{folder}: no matrix.mtx or matrix.mtx.gz in this folder");
        var featuresPath = Find(folder, "features.tsv") ?? Find(folder, "genes.tsv")
            ?? throw new UserInputException($"{folder}: no genes.tsv or features.tsv (gzipped or not) beside the matrix");
        var barcodesPath = Find(folder, "barcodes.tsv") ?? throw new UserInputException($"{folder}: no barcodes.tsv (gzipped or not) beside the matrix");

        var features = ReadLines(featuresPath).Select(l => l.Split('\t')).ToList();
        var barcodes = ReadLines(barcodesPath).Select(l => l.Split('\t')[0]).ToArray();
        var counts = ReadMatrix(matrixPath, featuresPath, features.Count, barcodesPath, barcodes.Length);
        var ids = features.Select(f => f[0]).ToArray();
        var names = features.Select(f => f.Length > 1 ? f[1] : f[0]).ToArray();
        return new CellData(counts, barcodes, names, ids, new Dictionary<string, string[]>());
    }

    /// <summary>
    /// The matrix, its size line checked against the gene and barcode files and the file's length before anything is
    /// allocated: each entry line takes at least 4 bytes, so a plain file of L bytes holds at most L / 4 entries (a
    /// gzipped one at most 1,032 times that, deflate's limit; its arrays grow as entries arrive instead).
    /// </summary>
    private static SparseCounts ReadMatrix(string path, string featuresPath, int genes, string barcodesPath, int cells)
    {
        using var reader = Open(path);
        var header = reader.ReadLine() ?? throw new UserInputException($"{path}: empty file");
        if (!header.StartsWith("%%MatrixMarket matrix coordinate", StringComparison.OrdinalIgnoreCase))
            throw new UserInputException($"{path}: not a MatrixMarket coordinate matrix (first line: {header[..Math.Min(60, header.Length)]})");
        if (header.Contains("complex", StringComparison.OrdinalIgnoreCase) || header.Contains("symmetric", StringComparison.OrdinalIgnoreCase))
            throw new UserInputException($"{path}: expected a general integer or real matrix, got '{header}'");
        var pattern = header.Contains("pattern", StringComparison.OrdinalIgnoreCase);
        string? line;
        while ((line = reader.ReadLine()) is not null && line.StartsWith('%')) { }
        var size = line?.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries) ?? throw new UserInputException($"{path}: no size line");
        if (size.Length != 3 || !long.TryParse(size[0], out var rows) || !long.TryParse(size[1], out var columns) || !long.TryParse(size[2], out var entries)
            || rows < 0 || columns < 0 || entries < 0)
            throw new UserInputException($"{path}: malformed size line '{line}' (expected three counts of zero or more: rows, columns, entries)");
        if (rows != genes) throw new UserInputException($"{featuresPath}: {genes} genes, but {path} has {rows} rows");
        if (columns != cells) throw new UserInputException($"{barcodesPath}: {cells} barcodes, but {path} has {columns} columns");
        var stored = new FileInfo(path).Length;
        var compressed = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase);
        if (entries > (compressed ? stored * 1032 : stored) / 4 || entries > Array.MaxLength)
            throw new UserInputException($"{path}: the size line announces {entries:N0} entries, more than a file of {stored:N0} bytes can hold");
        var capacity = (int)Math.Min(entries, compressed ? 1 << 20 : entries);
        var cellOf = new int[capacity];
        var geneOf = new int[capacity];
        var value = new float[capacity];
        for (var e = 0; e < entries; e++)
        {
            if (e == cellOf.Length)
            {
                var grown = (int)Math.Min(entries, 2L * e);
                Array.Resize(ref cellOf, grown);
                Array.Resize(ref geneOf, grown);
                Array.Resize(ref value, grown);
            }
            line = reader.ReadLine() ?? throw new UserInputException($"{path}: {entries} entries announced, file ends after {e}");
            var span = line.AsSpan();
            var fields = new Range[4];
            var n = span.Split(fields, ' ', StringSplitOptions.RemoveEmptyEntries);
            if (n < (pattern ? 2 : 3)
                || !int.TryParse(span[fields[0]], CultureInfo.InvariantCulture, out var g) || !int.TryParse(span[fields[1]], CultureInfo.InvariantCulture, out var c)
                || g < 1 || g > genes || c < 1 || c > cells)
                throw new UserInputException($"{path}: entry {e + 1} is malformed or out of range: '{line}'");
            var v = 1f;
            if (!pattern && !float.TryParse(span[fields[2]], NumberStyles.Float, CultureInfo.InvariantCulture, out v))
                throw new UserInputException($"{path}: entry {e + 1} has no numeric value: '{line}'");
            geneOf[e] = g - 1;
            cellOf[e] = c - 1;
            value[e] = v;
        }
        return SparseCounts.FromTriplets(cells, genes, cellOf, geneOf, value);
    }

    private static string? Find(string folder, string name) =>
        new[] { name, name + ".gz" }.Select(n => Path.Combine(folder, n)).FirstOrDefault(File.Exists);

    private static StreamReader Open(string path) => InputFile.OpenText(path, "10x file");

    private static IEnumerable<string> ReadLines(string path)
    {
        using var reader = Open(path);
        while (reader.ReadLine() is { } line)
            if (line.Length > 0) yield return line;
    }
}
