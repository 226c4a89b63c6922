using System.Text;
using LabelFree.Core.Errors;
using LabelFree.Core.IO;

namespace LabelFree.Data.Tables;

/// <summary>
/// A CSV or TSV table read one row at a time (gzipped or not, recognised by its magic bytes): a header row, then rows
/// of the same number of fields. A tab in the header means TSV, else CSV. Fields may be double-quoted, with "" for a
/// quote (R's write.csv, pandas' to_csv); a quoted field cannot span lines. Blank lines are skipped. Only the current
/// row is held in memory, so a large file costs no more than its parsed contents.
/// </summary>
public sealed class DelimitedText : IDisposable
{
    private readonly StreamReader _reader;
    private readonly char _separator;
    private readonly StringBuilder _field = new();

    private DelimitedText(string path, StreamReader reader)
    {
        Path = path;
        _reader = reader;
        var header = reader.ReadLine() ?? throw new UserInputException($"{path}: empty file");
        Line = 1;
        header = header.TrimStart('\uFEFF');
        _separator = header.Contains('\t') ? '\t' : ',';
        Header = Split(header);
        if (Header.Any(h => h.Length == 0)) throw Error("the header has an empty column name");
        var twice = Header.GroupBy(h => h, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null) throw Error($"column '{twice.Key}' appears twice in the header");
    }

    public string Path { get; }

    /// <summary>The column names, as written.</summary>
    public string[] Header { get; }

    /// <summary>The 1-based line number of the row last read (1 for the header).</summary>
    public int Line { get; private set; }

    public static DelimitedText Open(string path, string what)
    {
        var reader = InputFile.OpenText(path, what);
        try
        {
            return new DelimitedText(path, reader);
        }
        catch
        {
            reader.Dispose();  // a refused header must not leave the file open (found by fuzzing)
            throw;
        }
    }

    /// <summary>The index of the column named <paramref name="name"/> (case-insensitive), or -1.</summary>
    public int Find(string name) => Array.FindIndex(Header, h => h.Equals(name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The index of the column named <paramref name="name"/>; a missing column is the user's mistake.</summary>
    public int Require(string name, string why) => Find(name) is var k && k >= 0 ? k
        : throw new UserInputException($"{Path}: no column '{name}' ({why}; columns: {string.Join(", ", Header)})");

    /// <summary>Reads the next non-blank row into <paramref name="fields"/>; false at the end of the file.</summary>
    public bool Next(out string[] fields)
    {
        while (_reader.ReadLine() is { } text)
        {
            Line++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            fields = Split(text);
            if (fields.Length != Header.Length) throw Error($"{fields.Length} fields, the header has {Header.Length}");
            return true;
        }
        fields = [];
        return false;
    }

    /// <summary>A user error about the current row: "path:line: reason".</summary>
    public UserInputException Error(string reason) => new($"{Path}:{Line}: {reason}");

    public void Dispose() => _reader.Dispose();

    private string[] Split(string text)
    {
        text = text.TrimEnd('\r');
        var fields = new List<string>();
        _field.Clear();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c != '"') _field.Append(c);
                else if (i + 1 < text.Length && text[i + 1] == '"') _field.Append(text[++i]);
                else quoted = false;
            }
            else if (c == '"') quoted = true;
            else if (c == _separator)
            {
                fields.Add(_field.ToString().Trim());
                _field.Clear();
            }
            else _field.Append(c);
        }
        if (quoted) throw Error("a quoted field is not closed on this line");
        fields.Add(_field.ToString().Trim());
        return fields.ToArray();
    }
}
