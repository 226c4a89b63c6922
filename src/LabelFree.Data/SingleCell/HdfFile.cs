using System.IO.Compression;
using LabelFree.Core.Errors;
using PureHDF;

namespace LabelFree.Data.SingleCell;

/// <summary>
/// An HDF5 file open for reading, with the path its errors name and the bytes it really stores, against which every
/// dataset's declared size is checked before it is read (<see cref="RequireFits"/>): a hostile header declaring
/// billions of values in a small file is refused instead of allocated. A gzipped file (<c>.h5.gz</c>) is first inflated
/// into a temporary file that is deleted on close, on failure too; it may inflate to at most
/// <see cref="MaxInflation"/> times its size (or <see cref="MinInflationCap"/>), which stops a gzip bomb early.
/// </summary>
internal sealed class HdfFile : IDisposable
{
    /// <summary>Deflate, HDF5's usual filter, stores at best about 1 byte per 1,032: no dataset can hold more than this many times the file's bytes.</summary>
    public const long MaxCompressionRatio = 1032;

    public const long MaxInflation = 200;

    public const long MinInflationCap = 256L << 20;

    private HdfFile(PureHDF.VOL.Native.NativeFile file, string path, long storedBytes) => (Root, Path, StoredBytes) = (file, path, storedBytes);

    public PureHDF.VOL.Native.NativeFile Root { get; }

    public string Path { get; }

    /// <summary>Bytes of the HDF5 file itself (after inflation for a gzipped one).</summary>
    public long StoredBytes { get; }

    public static HdfFile Open(string path)
    {
        UserInputException.RequireFile(path);
        // The stream is ours until PureHDF has parsed the file, so a file it refuses is closed at once, not left open
        // until a finalizer runs (found by fuzzing: the next write of the same path failed).
        Stream? stream = null;
        try
        {
            if (path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
            {
                stream = new FileStream(System.IO.Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
                Inflate(path, stream, Math.Max(MinInflationCap, MaxInflation * new FileInfo(path).Length));
                stream.Position = 0;
            }
            else
            {
                stream = File.OpenRead(path);
            }
            return new HdfFile(H5File.Open(stream, leaveOpen: false), path, stream.Length);
        }
        catch (Exception e)
        {
            stream?.Dispose();
            if (e is UserInputException) throw;
            throw new UserInputException($"{path}: not a readable HDF5 file ({e.Message})", e);
        }
    }

    /// <summary>Throws, naming the file and the dataset, when <paramref name="dataset"/> declares more bytes than the file can hold.</summary>
    public void RequireFits(IH5Dataset dataset)
    {
        var values = 1.0;
        foreach (var d in dataset.Space.Dimensions) values *= d;
        var bytes = values * Math.Max(1, dataset.Type.Size);
        if (bytes > (double)StoredBytes * MaxCompressionRatio + (1 << 20))
            throw new UserInputException($"{Path}: dataset {dataset.Name} declares {values:G4} values, more than a file of {StoredBytes:N0} bytes can hold");
    }

    public void Dispose() => Root.Dispose();

    private static void Inflate(string path, Stream target, long cap)
    {
        try
        {
            using var gzip = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
            var buffer = new byte[1 << 16];
            int read;
            while ((read = gzip.Read(buffer)) > 0)
            {
                if (target.Length + read > cap)
                    throw new UserInputException($"{path}: inflates to more than {cap:N0} bytes ({MaxInflation} times its size); decompress it with gunzip and pass the .h5 file");
                target.Write(buffer, 0, read);
            }
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            throw new UserInputException($"{path}: not a readable gzip file ({e.Message})", e);
        }
    }
}
