using System.IO.Compression;
using LabelFree.Core.Errors;

namespace LabelFree.Data.Sequences;

/// <summary>Opens sequence files, gzipped or not: gzip is recognised by its magic bytes, not by the file name.</summary>
internal static class SequenceFile
{
    public static Stream Open(string path, string what)
    {
        UserInputException.RequireFile(path, what);
        var file = File.OpenRead(path);
        Span<byte> magic = stackalloc byte[2];
        var read = file.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
        file.Position = 0;
        if (read == 2 && magic[0] == 0x1f && magic[1] == 0x8b)
            return new BufferedStream(new GZipStream(file, CompressionMode.Decompress), 1 << 16);
        return new BufferedStream(file, 1 << 16);
    }

    /// <summary>A text reader over <see cref="Open"/>.</summary>
    public static StreamReader OpenText(string path, string what) => new(Open(path, what), bufferSize: 1 << 16);
}
