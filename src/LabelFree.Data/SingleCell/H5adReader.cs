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
    private const int DenseRowsPerRead = 1024;

    public static CellData Read(string path, string? layer = null)
    {
        using var file = HdfFile.Open(path);
        try
        {
            var (obsIndex, obs) = ReadFrame(file, "obs", path);
            var (varIndex, var) = ReadFrame(file, "var", path);
            var xPath = layer is null ? "X" : "layers/" + layer;
            if (!file.LinkExists(xPath)) throw new UserInputException($"{path}: no {xPath} in this h5ad file");
            var counts = file.Get(xPath) switch
            {
                IH5Group g => ReadSparse(g, obsIndex.Length, varIndex.Length, path),
                IH5Dataset d => ReadDense(d, path),
                _ => throw new UserInputException($"{path}: {xPath} is neither a matrix group nor a dataset"),
            };
            if (counts.Rows != obsIndex.Length || counts.Columns != varIndex.Length)
                throw new UserInputException($"{path}: {xPath} is {counts.Rows} x {counts.Columns}, but obs has {obsIndex.Length} and var {varIndex.Length} rows");
            var geneIds = var.TryGetValue("gene_ids", out var ids) ? ids : varIndex;
            return new CellData(counts, obsIndex, varIndex, geneIds, obs);
        }
        catch (Exception e) when (e is not UserInputException and not OutOfMemoryException)
        {
            throw new UserInputException($"{path}: cannot read this h5ad file ({e.Message})", e);
        }
    }

    private static SparseCounts ReadSparse(IH5Group group, int cells, int genes, string path)
    {
        var encoding = Hdf5Values.StringAttribute(group, "encoding-type");
        var data = Hdf5Values.Floats(group.Dataset("data"), path);
        var index = Hdf5Values.Ints(group.Dataset("indices"), path);
        var pointer = Hdf5Values.Longs(group.Dataset("indptr"), path);
        switch (encoding)
        {
            case "csr_matrix" when pointer.Length == cells + 1:
                return new SparseCounts(cells, genes, pointer, index, data);
            case "csc_matrix" when pointer.Length == genes + 1:
                var cellOf = index;
                var geneOf = new int[index.Length];
                for (var g = 0; g < genes; g++)
                    for (var k = pointer[g]; k < pointer[g + 1]; k++) geneOf[k] = g;
                return SparseCounts.FromTriplets(cells, genes, cellOf, geneOf, data);
            default:
                throw new UserInputException($"{path}: X has encoding '{encoding ?? "none"}' with {pointer.Length} pointers for {cells} cells x {genes} genes (expected csr_matrix or csc_matrix)");
        }
    }

    private static SparseCounts ReadDense(IH5Dataset dataset, string path)
    {
        var dims = dataset.Space.Dimensions;
        if (dims.Length != 2) throw new UserInputException($"{path}: X has {dims.Length} dimensions, expected 2");
        int cells = checked((int)dims[0]), genes = checked((int)dims[1]);
        var start = new long[cells + 1];
        var cols = new List<int>();
        var vals = new List<float>();
        for (var first = 0; first < cells; first += DenseRowsPerRead)
        {
            var count = Math.Min(DenseRowsPerRead, cells - first);
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
    private static (string[] Index, Dictionary<string, string[]> Columns) ReadFrame(IH5Group file, string name, string path)
    {
        if (!file.LinkExists(name)) throw new UserInputException($"{path}: no {name} in this h5ad file");
        if (file.Get(name) is not IH5Group frame)
            throw new UserInputException($"{path}: {name} is stored in the pre-0.7 anndata layout (a compound dataset); re-save it with a current anndata");
        var indexName = Hdf5Values.StringAttribute(frame, "_index") ?? "_index";
        var index = Hdf5Values.Strings(frame.Dataset(indexName));
        var columns = new Dictionary<string, string[]>();
        foreach (var child in frame.Children())
        {
            if (child.Name == indexName || child.Name == "__categories") continue;
            var values = child switch
            {
                IH5Group g when g.LinkExists("codes") && g.LinkExists("categories") => Categorical(g, path),
                IH5Dataset d when d.Type.Class is H5DataTypeClass.String or H5DataTypeClass.VariableLength => Hdf5Values.Strings(d),
                IH5Dataset d when d.Type.Class == H5DataTypeClass.FloatingPoint => Array.ConvertAll(Hdf5Values.Floats(d, path), v => v.ToString(CultureInfo.InvariantCulture)),
                IH5Dataset d when d.Type.Class == H5DataTypeClass.FixedPoint => Array.ConvertAll(Hdf5Values.Longs(d, path), v => v.ToString(CultureInfo.InvariantCulture)),
                IH5Dataset d when d.Type.Class == H5DataTypeClass.Enumerated => Array.ConvertAll(d.Read<byte[]>(), v => v != 0 ? "True" : "False"),
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
                var labels = Hdf5Values.Strings(categories);
                var codes = Hdf5Values.Longs(frame.Dataset(categories.Name), path);
                columns[categories.Name] = Array.ConvertAll(codes, c => c < 0 ? "nan" : labels[c]);
            }
        }
        return (index, columns);
    }

    private static string[] Categorical(IH5Group group, string path)
    {
        var labels = group.Dataset("categories") is var c && c.Type.Class is H5DataTypeClass.String or H5DataTypeClass.VariableLength
            ? Hdf5Values.Strings(c)
            : Array.ConvertAll(Hdf5Values.Floats(c, path), v => v.ToString(CultureInfo.InvariantCulture));
        var codes = Hdf5Values.Longs(group.Dataset("codes"), path);
        return Array.ConvertAll(codes, code => code < 0 ? "nan" : labels[code]);
    }
}
