using LabelFree.Core.Errors;
using PureHDF;

namespace LabelFree.Data.SingleCell;

/// <summary>
/// Reads a 10x Genomics HDF5 count matrix (<c>filtered_feature_bc_matrix.h5</c>, or <c>.h5.gz</c>). Cell Ranger 3+
/// writes group <c>/matrix</c> with <c>features/{id,name}</c>; Cell Ranger 2 writes one group per genome with
/// <c>genes</c> and <c>gene_names</c>. Both store a CSC genes x cells matrix (<c>data, indices, indptr, shape</c>),
/// which is CSR cells x genes without any copying or reordering.
/// </summary>
public static class TenxH5Reader
{
    public static CellData Read(string path)
    {
        using var file = HdfFile.Open(path);
        try
        {
            var group = file.LinkExists("matrix")
                ? file.Group("matrix")
                : file.Children().OfType<IH5Group>().FirstOrDefault(g => g.LinkExists("indptr"))
                  ?? throw new UserInputException($"{path}: no 10x count matrix (expected group /matrix or /<genome> with data, indices, indptr)");
            var shape = Hdf5Values.Longs(group.Dataset("shape"), path);
            int genes = checked((int)shape[0]), cells = checked((int)shape[1]);
            var pointer = Hdf5Values.Longs(group.Dataset("indptr"), path);
            var index = Hdf5Values.Ints(group.Dataset("indices"), path);
            var values = Hdf5Values.Floats(group.Dataset("data"), path);
            if (pointer.Length != cells + 1 || index.Length != values.Length || pointer[^1] != values.Length || index.Any(i => i < 0 || i >= genes))
                throw new UserInputException($"{path}: inconsistent 10x matrix (shape {genes} x {cells}, {pointer.Length} pointers, {index.Length} indices)");
            var barcodes = Hdf5Values.Strings(group.Dataset("barcodes"));
            string[] ids, names;
            if (group.LinkExists("features"))
            {
                var features = group.Group("features");
                ids = Hdf5Values.Strings(features.Dataset("id"));
                names = Hdf5Values.Strings(features.Dataset("name"));
            }
            else
            {
                ids = Hdf5Values.Strings(group.Dataset("genes"));
                names = group.LinkExists("gene_names") ? Hdf5Values.Strings(group.Dataset("gene_names")) : ids;
            }
            if (barcodes.Length != cells || ids.Length != genes || names.Length != genes)
                throw new UserInputException($"{path}: {barcodes.Length} barcodes and {ids.Length} features for a {genes} x {cells} matrix");
            var counts = SparseCounts.FromCompressedColumns(genes, cells, pointer, index, values);
            return new CellData(counts, barcodes, names, ids, new Dictionary<string, string[]>());
        }
        catch (Exception e) when (e is not UserInputException and not OutOfMemoryException)
        {
            throw new UserInputException($"{path}: cannot read the 10x matrix ({e.Message})", e);
        }
    }
}
