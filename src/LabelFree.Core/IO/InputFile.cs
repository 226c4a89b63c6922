using System.IO.Compression;
using LabelFree.Core.Errors;

namespace LabelFree.Core.IO;

/// <summary>
/// Opens an input file for reading, gzipped or not: gzip is recognised by its magic bytes, not by the file name. A
/// corrupt gzip member (bad deflate data, CRC or length, which .NET's gzip stream checks at the member's end) is the
/// user's mistake, named with the file, as is a missing file.
/// </summary>
public static class InputFile
{
    public static Stream Open(string path, string what)
    {
        UserInputException.RequireFile(path, what);
        var file = File.OpenRead(path);
        Span<byte> magic = stackalloc byte[2];
        var read = file.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
        file.Position = 0;
        if (read == 2 && magic[0] == 0x1f && magic[1] == 0x8b)
            return new BufferedStream(new CheckedGzip(path, new GZipStream(file, CompressionMode.Decompress)), 1 << 16);
        return new BufferedStream(file, 1 << 16);
    }

    /// <summary>A text reader over <see cref="Open"/>.</summary>
    public static StreamReader OpenText(string path, string what) => new(Open(path, what), bufferSize: 1 << 16);

    /// <summary>A gzip stream whose data errors become one-line user errors naming the file.</summary>
    private sealed class CheckedGzip(string path, GZipStream inner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            try
            {
                return inner.Read(buffer);
            }
            catch (InvalidDataException e)
            {
                throw new UserInputException($"{path}: corrupt gzip data ({e.Message})", e);
            }
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
