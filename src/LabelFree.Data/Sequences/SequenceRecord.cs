using System.Text;

namespace LabelFree.Data.Sequences;

/// <summary>A half-open range [Start, End) of positions in a sequence.</summary>
public readonly record struct Interval(int Start, int End)
{
    public int Length => End - Start;
}

/// <summary>
/// One sequence: its id (the header up to the first space), the rest of the header, and its bases as upper-case
/// ASCII (see <see cref="NucleotideCodes"/>). Lower-case (soft-masked) runs of the source are kept in
/// <see cref="SoftMasked"/>, sorted and disjoint, so nothing is lost by upper-casing.
/// </summary>
public sealed record SequenceRecord(string Id, string Description, byte[] Bases, Interval[] SoftMasked)
{
    public int Length => Bases.Length;

    /// <summary>The bases as a string (upper case).</summary>
    public string Text => Encoding.ASCII.GetString(Bases);

    /// <summary>A record from text; lower-case letters become soft-masked runs.</summary>
    /// <param name="where">What an error about a bad character names first (the file and line); default: the id.</param>
    public static SequenceRecord FromText(string id, string text, string description = "", string? where = null)
    {
        var runs = new List<Interval>();
        var start = -1;
        for (var i = 0; i < text.Length; i++)
        {
            var lower = char.IsAsciiLetterLower(text[i]);
            if (lower && start < 0) start = i;
            if (!lower && start >= 0)
            {
                runs.Add(new Interval(start, i));
                start = -1;
            }
        }
        if (start >= 0) runs.Add(new Interval(start, text.Length));
        return new SequenceRecord(id, description, NucleotideCodes.FromText(text, where ?? id), runs.ToArray());
    }

    /// <summary>Whether base <paramref name="position"/> was lower case (soft-masked) in the source.</summary>
    public bool IsSoftMasked(int position)
    {
        int low = 0, high = SoftMasked.Length - 1;
        while (low <= high)
        {
            var middle = (low + high) / 2;
            var run = SoftMasked[middle];
            if (position < run.Start) high = middle - 1;
            else if (position >= run.End) low = middle + 1;
            else return true;
        }
        return false;
    }

    /// <summary>The bases with soft-masked runs in lower case again, as the source wrote them.</summary>
    public string SoftMaskedText()
    {
        var chars = Text.ToCharArray();
        foreach (var run in SoftMasked)
            for (var i = run.Start; i < run.End; i++) chars[i] = char.ToLowerInvariant(chars[i]);
        return new string(chars);
    }
}
