using System.Text;

namespace LabelFree.Core.IO;

/// <summary>
/// Writes files so that a reader (or a killed run) never sees half of one: the content goes to a temporary file in the
/// same folder, which is then renamed over the target.
/// </summary>
public static class AtomicFile
{
    public static void WriteAllText(string path, string text) =>
        Write(path, stream =>
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            stream.Write(bytes);
        });

    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        var copy = bytes.ToArray();
        Write(path, stream => stream.Write(copy));
    }

    /// <summary>Calls <paramref name="write"/> on a temporary file, flushes it to disk and renames it to <paramref name="path"/>.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(folder);
        var temporary = Path.Combine(folder, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    /// <summary>
    /// A temporary file beside <paramref name="path"/> that becomes <paramref name="path"/> on
    /// <see cref="Pending.Commit"/>, for writers that keep several outputs open at once (one per phenotype, say).
    /// Disposing without committing deletes it.
    /// </summary>
    public static Pending Open(string path)
    {
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(folder);
        var temporary = Path.Combine(folder, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        return new Pending(full, temporary, new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16));
    }

    /// <summary>An open temporary file; see <see cref="Open"/>.</summary>
    public sealed class Pending(string path, string temporary, FileStream stream) : IDisposable
    {
        private bool _committed;

        public Stream Stream => stream;

        /// <summary>Flushes to disk and renames the temporary file over the target.</summary>
        public void Commit()
        {
            stream.Flush(flushToDisk: true);
            stream.Dispose();
            File.Move(temporary, path, overwrite: true);
            _committed = true;
        }

        public void Dispose()
        {
            if (_committed) return;
            stream.Dispose();
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }
}
