using LabelFree.Core.Errors;

namespace LabelFree.Data.SingleCell;

/// <summary>Reads any supported count-matrix input by its form: a 10x MatrixMarket folder, a 10x <c>.h5</c>/<c>.h5.gz</c>, or an AnnData <c>.h5ad</c>.</summary>
public static class CellDataReader
{
    public static CellData Read(string path, string? layer = null)
    {
        if (Directory.Exists(path))
        {
            if (TenxMtxReader.IsMtxFolder(path)) return TenxMtxReader.Read(path);
            var nested = Path.Combine(path, "filtered_feature_bc_matrix");
            if (TenxMtxReader.IsMtxFolder(nested)) return TenxMtxReader.Read(nested);
            throw new UserInputException($"{path}: a folder without matrix.mtx(.gz); expected a 10x MatrixMarket folder, a .h5 or a .h5ad file");
        }
        UserInputException.RequireFile(path, "count matrix");
        var name = path.ToLowerInvariant();
        if (name.EndsWith(".h5ad", StringComparison.Ordinal) || name.EndsWith(".h5ad.gz", StringComparison.Ordinal)) return H5adReader.Read(path, layer);
        if (name.EndsWith(".h5", StringComparison.Ordinal) || name.EndsWith(".h5.gz", StringComparison.Ordinal) || name.EndsWith(".hdf5", StringComparison.Ordinal))
            return TenxH5Reader.Read(path);
        throw new UserInputException($"{path}: unknown count-matrix format (expected a 10x MatrixMarket folder, a 10x .h5 or .h5.gz, or an AnnData .h5ad)");
    }
}
