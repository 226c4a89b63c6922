using System.Globalization;
using LabelFree.Core.Errors;
using PureHDF;
using PureHDF.Selections;

namespace LabelFree.Data.SingleCell;

/// <summary>
/// Reads an AnnData <c>.h5ad</c> file (anndata 0.7+ encoding): <c>X</c> as a CSR or CSC group or a dense 2-D dataset
/// (read in blocks of rows, so it is never held densely as a whole), cell and gene names from the <c>obs</c> and
/// <c>var</c> indexes, and <c>obs</c> columns (categorical, string or numeric) as strings.
/// A layer name reads <c>layers/NAME</c> instead of <c>X</c> (raw counts are often kept there).
/// </summary>
public static class H5adReader
{
    private const long DenseBytesPerRead = 64L << 20;

    public static CellData Read(string path, string? layer = null)
    {
        using var file = HdfFile.Open(path);
        try
        {
            var (obsIndex, obs) = ReadFrame(file, "obs");
            var (varIndex, var) = ReadFrame(file, "var");
            var xPath = layer is null ? "X" : "layers/" + layer;
            if (!file.Root.LinkExists(xPath)) throw new UserInputException($"{path}: no {xPath} in this h5ad file");
            var counts = file.Root.Get(xPath) switch
            {
                IH5Group g => ReadSparse(g, obsIndex.Length, varIndex.Length, file, xPath),
                IH5Dataset d => ReadDense(d, obsIndex.Length, varIndex.Length, file, xPath),
                _ => throw new UserInputException($"{path}: {xPath} is neither a matrix group nor a dataset"),
            };
            var geneIds = var.TryGetValue("gene_ids", out var ids) ? ids : varIndex;
            return new CellData(counts, obsIndex, varIndex, geneIds, obs);
        }
        catch (Exception e) when (e is not UserInputException)
        {
            throw new UserInputException($"{path}: cannot read this h5ad file ({e.Message})", e);
        }
    }

    private static SparseCounts ReadSparse(IH5Group group, int cells, int genes, HdfFile file, string xPath)
    {
        var encoding = Hdf5Values.StringAttribute(group, "encoding-type");
        var (rows, columns) = encoding switch
        {
            "csr_matrix" => (cells, genes),
            "csc_matrix" => (genes, cells),
            _ => throw new UserInputException($"{file.Path}: {xPath} has encoding '{encoding ?? "none"}', expected csr_matrix or csc_matrix"),
        };
        if (group.Dataset("indptr").Space.Dimensions is not [var pointers] || pointers != (ulong)rows + 1)
            throw new UserInputException($"{file.Path}: {xPath} ({encoding}) does not hold {rows} + 1 pointers for obs of {cells} and var of {genes} rows");
        var pointer = Hdf5Values.Longs(group.Dataset("indptr"), file);
        var index = Hdf5Values.Ints(group.Dataset("indices"), file);
        var data = Hdf5Values.Floats(group.Dataset("data"), file);
        if (SparseCounts.Problem(rows, columns, pointer, index, data.Length) is { } problem)
            throw new UserInputException($"{file.Path}: inconsistent {xPath} ({encoding}): {problem}");
        if (encoding == "csr_matrix") return new SparseCounts(cells, genes, pointer, index, data);
        var geneOf = new int[index.Length];
        for (var g = 0; g < genes; g++)
            for (var k = pointer[g]; k < pointer[g + 1]; k++) geneOf[k] = g;
        return SparseCounts.FromTriplets(cells, genes, index, geneOf, data);
    }

    /// <summary>A dense X, its shape checked against obs and var and the file's size before anything is read, read in blocks of at most <see cref="DenseBytesPerRead"/>.</summary>
    private static SparseCounts ReadDense(IH5Dataset dataset, int cells, int genes, HdfFile file, string xPath)
    {
        var dims = dataset.Space.Dimensions;
        if (dims.Length != 2 || dims[0] != (ulong)cells || dims[1] != (ulong)genes)
            throw new UserInputException($"{file.Path}: {xPath} is {string.Join(" x ", dims)}, but obs has {cells} and var {genes} rows");
        file.RequireFits(dataset);
        var rowsPerRead = (int)Math.Clamp(DenseBytesPerRead / (4L * Math.Max(1, genes)), 1, Math.Max(1, cells));
        var start = new long[cells + 1];
        var cols = new List<int>();
        var vals = new List<float>();
        for (var first = 0; first < cells; first += rowsPerRead)
        {
            var count = Math.Min(rowsPerRead, cells - first);
            var selection = new HyperslabSelection(rank: 2, starts: [(ulong)first, 0], blocks: [(ulong)count, (ulong)genes]);
            var block = dataset.Type.Class == H5DataTypeClass.FloatingPoint && dataset.Type.Size == 8
                ? Array.ConvertAll(dataset.Read<double[]>(selection, memoryDims: [(ulong)count * (ulong)genes]), v => (float)v)
                : dataset.Type.Class == H5DataTypeClass.FloatingPoint
                    ? dataset.Read<float[]>(selection, memoryDims: [(ulong)count * (ulong)genes])
                    : Array.ConvertAll(dataset.Read<int[]>(selection, memoryDims: [(ulong)count * (ulong)genes]), v => (float)v);
            for (var r = 0; r < count; r++)
            {
                for (var g = 0; g < genes; g++)
                {
                    var v = block[r * genes + g];
                    if (v == 0) continue;
                    cols.Add(g);
                    vals.Add(v);
                }
                start[first + r + 1] = cols.Count;
            }
        }
        return new SparseCounts(cells, genes, start, [.. cols], [.. vals]);
    }

    /// <summary>An AnnData data frame: its index and its columns as strings.</summary>
    private static (string[] Index, Dictionary<string, string[]> Columns) ReadFrame(HdfFile file, string name)
    {
        if (!file.Root.LinkExists(name)) throw new UserInputException($"{file.Path}: no {name} in this h5ad file");
        if (file.Root.Get(name) is not IH5Group frame)
            throw new UserInputException($"{file.Path}: {name} is stored in the pre-0.7 anndata layout (a compound dataset); re-save it with a current anndata");
        var indexName = Hdf5Values.StringAttribute(frame, "_index") ?? "_index";
        var index = Hdf5Values.Strings(frame.Dataset(indexName), file);
        var columns = new Dictionary<string, string[]>();
        foreach (var child in frame.Children())
        {
            if (child.Name == indexName || child.Name == "__categories") continue;
            var values = child switch
            {
                IH5Group g when g.LinkExists("codes") && g.LinkExists("categories") => Categorical(g, file),
                IH5Dataset d when d.Type.Class is H5DataTypeClass.String or H5DataTypeClass.VariableLength => Hdf5Values.Strings(d, file),
                IH5Dataset d when d.Type.Class == H5DataTypeClass.FloatingPoint => Array.ConvertAll(Hdf5Values.Floats(d, file), v => v.ToString(CultureInfo.InvariantCulture)),
                IH5Dataset d when d.Type.Class == H5DataTypeClass.FixedPoint => Array.ConvertAll(Hdf5Values.Longs(d, file), v => v.ToString(CultureInfo.InvariantCulture)),
                IH5Dataset d when d.Type.Class == H5DataTypeClass.Enumerated => Array.ConvertAll(Booleans(d, file), v => v != 0 ? "True" : "False"),
                _ => null,
            };
            if (values is not null && values.Length == index.Length) columns[child.Name] = values;
        }
        // anndata before 0.8 kept categories in __categories/<column> and codes as the column itself.
        if (frame.LinkExists("__categories"))
        {
            foreach (var categories in frame.Group("__categories").Children().OfType<IH5Dataset>())
            {
                if (!frame.LinkExists(categories.Name)) continue;
                var labels = Hdf5Values.Strings(categories, file);
                var codes = Hdf5Values.Longs(frame.Dataset(categories.Name), file);
                columns[categories.Name] = Array.ConvertAll(codes, c => c < 0 ? "nan" : labels[c]);
            }
        }
        return (index, columns);
    }

    private static byte[] Booleans(IH5Dataset dataset, HdfFile file)
    {
        file.RequireFits(dataset);
        return dataset.Read<byte[]>();
    }

    private static string[] Categorical(IH5Group group, HdfFile file)
    {
        var labels = group.Dataset("categories") is var c && c.Type.Class is H5DataTypeClass.String or H5DataTypeClass.VariableLength
            ? Hdf5Values.Strings(c, file)
            : Array.ConvertAll(Hdf5Values.Floats(c, file), v => v.ToString(CultureInfo.InvariantCulture));
        var codes = Hdf5Values.Longs(group.Dataset("codes"), file);
        return Array.ConvertAll(codes, code => code < 0 ? "nan" : labels[code]);
    }
}
