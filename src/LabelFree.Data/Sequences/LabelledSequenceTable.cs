using LabelFree.Core.Errors;
using LabelFree.Data.Tables;

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
        using var table = DelimitedText.Open(path, "sequence table");
        var sequenceAt = table.Require(sequenceColumn, "the sequences");
        var labelAt = labelRequired || table.Find(labelColumn) >= 0 ? table.Require(labelColumn, "the labels") : -1;
        var idAt = idColumn is null ? -1 : table.Require(idColumn, "the row ids");

        var sequences = new List<SequenceRecord>();
        var labels = new List<string>();
        while (table.Next(out var fields))
        {
            var bases = fields[sequenceAt];
            if (bases.Length == 0) throw table.Error($"empty sequence in column '{table.Header[sequenceAt]}'");
            var label = labelAt < 0 ? "" : fields[labelAt];
            if (labelAt >= 0 && label.Length == 0) throw table.Error($"empty label in column '{table.Header[labelAt]}'");
            var id = idAt >= 0 ? fields[idAt] : $"row{table.Line}";
            sequences.Add(SequenceRecord.FromText(id, bases, where: $"{path}:{table.Line}: column '{table.Header[sequenceAt]}'"));
            if (labelAt >= 0) labels.Add(label);
        }
        if (sequences.Count == 0) throw new UserInputException($"{path}: no rows after the header");
        return new LabelledSequences(path, sequences, labels);
    }
}
