using PureHDF;

namespace LabelFree.Data.SingleCell;

/// <summary>
/// Writes an AnnData <c>.h5ad</c> file in anndata's on-disk encoding (0.8+, read by anndata 0.7.6 and later and by
/// scanpy): the counts as a CSR <c>X</c>, <c>obs</c> and <c>var</c> data frames (string columns written as categoricals,
/// as anndata does), and named 2-D embeddings in <c>obsm</c> (for example <c>X_scVI</c>, <c>X_umap</c>). Every element
/// carries the <c>encoding-type</c>/<c>encoding-version</c> attributes anndata dispatches on; strings are variable-length
/// UTF-8. The file appears only once complete.
/// </summary>
public static class H5adWriter
{
    public static void Write(string path, CellData data, IReadOnlyDictionary<string, float[,]> obsm)
    {
        var counts = data.Counts;
        var obs = new Dictionary<string, string[]>(data.Obs);
        var totals = counts.RowSums();
        var file = new H5File
        {
            ["X"] = Encoded(new H5Group
            {
                ["data"] = counts.Values,
                ["indices"] = counts.ColumnIndex,
                ["indptr"] = counts.RowStart,
            }, "csr_matrix", "0.1.0", ("shape", new long[] { counts.Rows, counts.Columns })),
            ["obs"] = Frame(data.CellNames, obs, ("total_counts", System.Array.ConvertAll(totals, t => (float)t))),
            ["var"] = Frame(data.GeneNames, new Dictionary<string, string[]> { ["gene_ids"] = data.GeneIds }, null),
            ["obsm"] = Dict(obsm.ToDictionary(kv => kv.Key, kv => (object)NumericArray(kv.Value))),
            ["varm"] = Dict([]),
            ["obsp"] = Dict([]),
            ["varp"] = Dict([]),
            ["layers"] = Dict([]),
            ["uns"] = Dict([]),
        };
        file.Attributes["encoding-type"] = "anndata";
        file.Attributes["encoding-version"] = "0.1.0";
        // PureHDF needs a readable and seekable stream, so the temporary file is written by path and then renamed.
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temporary = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            file.Write(temporary);
            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    private static H5Group Frame(string[] index, IReadOnlyDictionary<string, string[]> columns, (string Name, float[] Values)? numeric)
    {
        var group = new H5Group { ["_index"] = StringArray(index) };
        var order = new List<string>();
        foreach (var (name, values) in columns)
        {
            group[name] = Categorical(values);
            order.Add(name);
        }
        if (numeric is { } n)
        {
            group[n.Name] = NumericArray(n.Values);
            order.Add(n.Name);
        }
        return Encoded(group, "dataframe", "0.2.0", ("_index", "_index"), ("column-order", order.ToArray()));
    }

    private static H5Group Categorical(string[] values)
    {
        var (codes, categories) = CellData.Encode(values);
        return Encoded(new H5Group
        {
            ["categories"] = StringArray(categories),
            ["codes"] = NumericArray(codes),
        }, "categorical", "0.2.0", ("ordered", HdfBool.FALSE));
    }

    private static H5Dataset StringArray(string[] values) => Encoded(new H5Dataset(values), "string-array", "0.2.0");

    private static H5Dataset NumericArray(object values) => Encoded(new H5Dataset(values), "array", "0.2.0");

    private static H5Group Dict(Dictionary<string, object> items)
    {
        var group = new H5Group();
        foreach (var (key, value) in items) group[key] = value;
        return Encoded(group, "dict", "0.1.0");
    }

    private static T Encoded<T>(T element, string type, string version, params (string Name, object Value)[] more) where T : H5Object
    {
        element.Attributes["encoding-type"] = type;
        element.Attributes["encoding-version"] = version;
        foreach (var (name, value) in more) element.Attributes[name] = value;
        return element;
    }
}

/// <summary>h5py's boolean: an HDF5 enumeration over one byte with members FALSE = 0 and TRUE = 1 (numpy reads it as bool).</summary>
#pragma warning disable CA1707, IDE1006 // the member names are part of the HDF5 type that h5py recognises
internal enum HdfBool : byte
{
    FALSE = 0,
    TRUE = 1,
}
#pragma warning restore CA1707, IDE1006
