using System.IO.Compression;
using System.Text;

namespace LabelFree.Data.Tests.Sequences;

/// <summary>Writes small text files for the sequence tests, plain or gzipped.</summary>
internal static class SequenceFiles
{
    public static string Write(string path, string text, bool gzip = false)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        if (!gzip)
        {
            File.WriteAllBytes(path, bytes);
            return path;
        }
        using var file = File.Create(path);
        using var zip = new GZipStream(file, CompressionLevel.Fastest);
        zip.Write(bytes);
        return path;
    }
}
