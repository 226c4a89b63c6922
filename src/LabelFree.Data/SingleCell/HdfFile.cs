using System.IO.Compression;
using LabelFree.Core.Errors;
using PureHDF;

namespace LabelFree.Data.SingleCell;

/// <summary>Opens an HDF5 file for reading; a gzipped one (<c>.h5.gz</c>) is first inflated into a temporary file that is deleted on close.</summary>
internal static class HdfFile
{
    public static PureHDF.VOL.Native.NativeFile Open(string path)
    {
        UserInputException.RequireFile(path);
        try
        {
            if (!path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)) return H5File.OpenRead(path);
            var temporary = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
            using (var gzip = new GZipStream(File.OpenRead(path), CompressionMode.Decompress)) gzip.CopyTo(temporary);
            temporary.Position = 0;
            return H5File.Open(temporary, leaveOpen: false);
        }
        catch (Exception e) when (e is not UserInputException and not OutOfMemoryException)
        {
            throw new UserInputException($"{path}: not a readable HDF5 file ({e.Message})", e);
        }
    }
}
