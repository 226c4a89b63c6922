using LabelFree.Core.Errors;
using LabelFree.Data.Sequences;

namespace LabelFree.Workflows.Dna;

/// <summary>Which columns of a labelled sequence table hold the sequences, the labels and (optionally) the row ids.</summary>
public sealed record DnaTableColumns(string Sequence = "sequence", string Label = "label", string? Id = null);

/// <summary>Sequences for the dna commands: a FASTA file (no labels) or a labelled table (CSV/TSV), plain or gzipped, told apart by their first character.</summary>
public sealed record DnaInput(string Path, IReadOnlyList<SequenceRecord> Records, IReadOnlyList<string>? Labels)
{
    public IReadOnlyList<ReadOnlyMemory<byte>> Bases => Records.Select(r => (ReadOnlyMemory<byte>)r.Bases).ToArray();

    public IReadOnlyList<string> Ids => Records.Select(r => r.Id).ToArray();

    /// <summary>A FASTA file or a table; a table without the label column is read without labels unless <paramref name="needLabels"/>.</summary>
    public static DnaInput Read(string path, DnaTableColumns columns, bool needLabels)
    {
        UserInputException.RequireFile(path, "sequence file");
        if (FastaReader.IsFasta(path))
        {
            if (needLabels) throw new UserInputException($"{path}: a FASTA file has no labels; give a table with a '{columns.Label}' column");
            return new DnaInput(path, FastaReader.Read(path), null);
        }
        var table = LabelledSequenceTable.Read(path, columns.Sequence, columns.Label, columns.Id, labelRequired: needLabels);
        return new DnaInput(path, table.Sequences, table.Labels.Count == 0 ? null : table.Labels);
    }

    /// <summary>A labelled table's rows as class indices into <paramref name="classes"/>; a label outside them is the user's mistake.</summary>
    public int[] ClassCodes(IReadOnlyList<string> classes)
    {
        if (Labels is null) throw new UserInputException($"{Path}: no labels");
        var index = classes.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i, StringComparer.Ordinal);
        return Labels.Select(l => index.TryGetValue(l, out var i) ? i
            : throw new UserInputException($"{Path}: label '{l}' is not one of the classes {string.Join(", ", classes)}")).ToArray();
    }
}
