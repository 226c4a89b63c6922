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
            var group = file.Root.LinkExists("matrix")
                ? file.Root.Group("matrix")
                : file.Root.Children().OfType<IH5Group>().FirstOrDefault(g => g.LinkExists("indptr"))
                  ?? throw new UserInputException($"{path}: no 10x count matrix (expected group /matrix or /<genome> with data, indices, indptr)");
            var shape = Hdf5Values.Longs(group.Dataset("shape"), file);
            if (shape.Length != 2 || shape.Any(n => n < 0 || n > int.MaxValue))
                throw new UserInputException($"{path}: matrix shape [{string.Join(", ", shape)}] is not two sizes from 0 to {int.MaxValue}");
            int genes = (int)shape[0], cells = (int)shape[1];
            if (group.Dataset("indptr").Space.Dimensions is not [var pointers] || pointers != (ulong)cells + 1)
                throw new UserInputException($"{path}: indptr does not hold {cells} + 1 pointers for a {genes} x {cells} matrix");
            var pointer = Hdf5Values.Longs(group.Dataset("indptr"), file);
            var index = Hdf5Values.Ints(group.Dataset("indices"), file);
            var values = Hdf5Values.Floats(group.Dataset("data"), file);
            if (SparseCounts.Problem(cells, genes, pointer, index, values.Length) is { } problem)
                throw new UserInputException($"{path}: inconsistent {genes} x {cells} 10x matrix: {problem}");
            var barcodes = Hdf5Values.Strings(group.Dataset("barcodes"), file);
            string[] ids, names;
            if (group.LinkExists("features"))
            {
                var features = group.Group("features");
                ids = Hdf5Values.Strings(features.Dataset("id"), file);
                names = Hdf5Values.Strings(features.Dataset("name"), file);
            }
            else
            {
                ids = Hdf5Values.Strings(group.Dataset("genes"), file);
                names = group.LinkExists("gene_names") ? Hdf5Values.Strings(group.Dataset("gene_names"), file) : ids;
            }
            if (barcodes.Length != cells || ids.Length != genes || names.Length != genes)
                throw new UserInputException($"{path}: {barcodes.Length} barcodes and {ids.Length} features for a {genes} x {cells} matrix");
            var counts = SparseCounts.FromCompressedColumns(genes, cells, pointer, index, values);
            return new CellData(counts, barcodes, names, ids, new Dictionary<string, string[]>());
        }
        catch (Exception e) when (e is not UserInputException)
        {
            throw new UserInputException($"{path}: cannot read the 10x matrix ({e.Message})", e);
        }
    }
}
