using LabelFree.Core.Errors;

namespace LabelFree.Data.Sequences;

/// <summary>
/// Sequences with one label each, read from a table. <see cref="Sequences"/>[i] has label <see cref="Labels"/>[i]; a
/// record's id is its row id (the id column when one was named, else <c>row{line}</c>).
/// </summary>
public sealed record LabelledSequences(string Path, IReadOnlyList<SequenceRecord> Sequences, IReadOnlyList<string> Labels)
{
    /// <summary>The distinct labels in ordinal order; <see cref="ClassCodes"/> indexes into it.</summary>
    public IReadOnlyList<string> Classes => Labels.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();

    /// <summary>Each row's label as an index into <see cref="Classes"/>.</summary>
    public int[] ClassCodes()
    {
        var classes = Classes;
        var code = classes.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i, StringComparer.Ordinal);
        return Labels.Select(l => code[l]).ToArray();
    }
}

/// <summary>
/// Reads a labelled sequence table: CSV or TSV (a tab in the header line means TSV), gzipped or not, with a header row.
/// The sequence and label columns are found by name (defaults <c>sequence</c> and <c>label</c>; the bundled E. coli
/// promoter table uses <c>seq</c> and <c>class</c>). CSV fields may be double-quoted with "" for a quote; a quoted
/// field cannot span lines. Sequences are IUPAC codes (lower case kept as soft-masked runs).
/// </summary>
public static class LabelledSequenceTable
{
    /// <param name="labelRequired">Whether a table without <paramref name="labelColumn"/> is an error; when false, such a table reads with no labels (an empty list).</param>
    public static LabelledSequences Read(string path, string sequenceColumn = "sequence", string labelColumn = "label", string? idColumn = null, bool labelRequired = true)
    {
        using var reader = SequenceFile.OpenText(path, "sequence table");
        var headerLine = reader.ReadLine() ?? throw new UserInputException($"{path}: empty file");
        var separator = headerLine.Contains('\t') ? '\t' : ',';
        var header = Split(path, 1, headerLine, separator);
        int Column(string name) => Array.FindIndex(header, h => h.Equals(name, StringComparison.OrdinalIgnoreCase)) is var k && k >= 0 ? k
            : throw new UserInputException($"{path}: no column '{name}' (columns: {string.Join(", ", header)})");
        var sequenceAt = Column(sequenceColumn);
        var labelAt = labelRequired || header.Any(h => h.Equals(labelColumn, StringComparison.OrdinalIgnoreCase)) ? Column(labelColumn) : -1;
        var idAt = idColumn is null ? -1 : Column(idColumn);

        var sequences = new List<SequenceRecord>();
        var labels = new List<string>();
        var line = 1;
        while (reader.ReadLine() is { } text)
        {
            line++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            var fields = Split(path, line, text, separator);
            if (fields.Length != header.Length)
                throw new UserInputException($"{path}:{line}: {fields.Length} fields, the header has {header.Length}");
            var bases = fields[sequenceAt].Trim();
            if (bases.Length == 0) throw new UserInputException($"{path}:{line}: empty sequence in column '{header[sequenceAt]}'");
            var label = labelAt < 0 ? "" : fields[labelAt].Trim();
            if (labelAt >= 0 && label.Length == 0) throw new UserInputException($"{path}:{line}: empty label in column '{header[labelAt]}'");
            var id = idAt >= 0 ? fields[idAt].Trim() : $"row{line}";
            sequences.Add(SequenceRecord.FromText(id, bases, where: $"{path}:{line}: column '{header[sequenceAt]}'"));
            if (labelAt >= 0) labels.Add(label);
        }
        if (sequences.Count == 0) throw new UserInputException($"{path}: no rows after the header");
        return new LabelledSequences(path, sequences, labels);
    }

    private static string[] Split(string path, int line, string text, char separator)
    {
        text = text.TrimEnd('\r');
        if (separator == '\t') return text.Split('\t').Select(f => Unquote(f.Trim())).ToArray();
        var fields = new List<string>();
        var field = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c != '"') field.Append(c);
                else if (i + 1 < text.Length && text[i + 1] == '"') field.Append(text[++i]);
                else quoted = false;
            }
            else if (c == '"') quoted = true;
            else if (c == separator)
            {
                fields.Add(field.ToString().Trim());
                field.Clear();
            }
            else field.Append(c);
        }
        if (quoted) throw new UserInputException($"{path}:{line}: a quoted field is not closed on this line");
        fields.Add(field.ToString().Trim());
        return fields.ToArray();
    }

    private static string Unquote(string field) =>
        field.Length >= 2 && field[0] == '"' && field[^1] == '"' ? field[1..^1].Replace("\"\"", "\"") : field;
}
