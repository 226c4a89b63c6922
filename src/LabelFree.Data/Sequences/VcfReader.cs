using System.Globalization;
using LabelFree.Core.Errors;
using LabelFree.Core.IO;

namespace LabelFree.Data.Sequences;

/// <summary>What a variant does to the reference (VCF alleles are left-anchored: an indel keeps the base before it).</summary>
public enum VariantKind
{
    /// <summary>One base replaced by another.</summary>
    Snv,

    /// <summary>Bases inserted after the shared first base.</summary>
    Insertion,

    /// <summary>Bases deleted after the shared first base.</summary>
    Deletion,

    /// <summary>Several bases replaced (an MNV or a substitution with an indel).</summary>
    Complex,

    /// <summary>A symbolic allele such as &lt;DEL&gt; or a breakend: no explicit sequence.</summary>
    Symbolic,
}

/// <summary>
/// One alternate allele of a VCF line: 1-based position, upper-case alleles, and the line it came from. A line with
/// several alternate alleles gives one <see cref="Variant"/> per allele.
/// </summary>
public sealed record Variant(string Chrom, long Position, string Id, string Ref, string Alt, int Line)
{
    public VariantKind Kind =>
        Alt.StartsWith('<') || Alt.Contains('[') || Alt.Contains(']') ? VariantKind.Symbolic
        : Ref.Length == 1 && Alt.Length == 1 ? VariantKind.Snv
        : Ref[0] == Alt[0] && Ref.Length == 1 ? VariantKind.Insertion
        : Ref[0] == Alt[0] && Alt.Length == 1 ? VariantKind.Deletion
        : VariantKind.Complex;

    /// <summary>Bases inserted or deleted (0 for SNVs, MNVs of equal length and symbolic alleles).</summary>
    public int IndelLength => Kind == VariantKind.Symbolic ? 0 : Math.Abs(Alt.Length - Ref.Length);
}

/// <summary>
/// Reads the first five columns of a VCF (CHROM POS ID REF ALT), plain or gzipped (bgzip included); meta lines
/// (<c>##</c>) and the <c>#CHROM</c> header are skipped, the other columns ignored. REF must be A/C/G/T/N bases; each
/// ALT allele bases, a symbolic allele or breakend (kept, <see cref="VariantKind.Symbolic"/>), or <c>*</c> / <c>.</c>
/// (no sequence: skipped). A malformed line is a <see cref="UserInputException"/> naming the file and line.
/// </summary>
public static class VcfReader
{
    public static IReadOnlyList<Variant> Read(string path) => ReadVariants(path).ToList();

    public static IEnumerable<Variant> ReadVariants(string path)
    {
        using var reader = InputFile.OpenText(path, "VCF file");
        var line = 0;
        while (true)
        {
            string? text;
            try
            {
                text = reader.ReadLine();
            }
            catch (InvalidDataException e)
            {
                throw new UserInputException($"{path}:{line + 1}: corrupt gzip data ({e.Message})", e);
            }
            if (text is null) yield break;
            line++;
            if (text.Length == 0 || text.StartsWith('#')) continue;
            foreach (var variant in Parse(path, line, text.TrimEnd('\r'))) yield return variant;
        }
    }

    private static IEnumerable<Variant> Parse(string path, int line, string text)
    {
        var fields = text.Split('\t', 6);
        if (fields.Length < 5)
            throw new UserInputException($"{path}:{line}: {fields.Length} tab-separated fields, a VCF line needs at least CHROM POS ID REF ALT");
        var (chrom, id, reference) = (fields[0], fields[2], fields[3].ToUpperInvariant());
        if (chrom.Length == 0) throw new UserInputException($"{path}:{line}: empty CHROM");
        if (!long.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var position) || position < 1)
            throw new UserInputException($"{path}:{line}: POS '{fields[1]}' is not a positive integer");
        if (!IsBases(reference)) throw new UserInputException($"{path}:{line}: REF '{fields[3]}' is not a run of A, C, G, T, N");
        foreach (var allele in fields[4].Split(','))
        {
            var alt = allele.ToUpperInvariant();
            if (alt is "*" or ".") continue;
            var symbolic = alt.StartsWith('<') && alt.EndsWith('>') || alt.Contains('[') || alt.Contains(']');
            if (!symbolic && !IsBases(alt))
                throw new UserInputException($"{path}:{line}: ALT allele '{allele}' is neither bases (A, C, G, T, N), '*', '.', a symbolic <...> allele nor a breakend");
            if (alt == reference) throw new UserInputException($"{path}:{line}: ALT allele '{allele}' equals REF");
            yield return new Variant(chrom, position, id, reference, alt, line);
        }
    }

    private static bool IsBases(string text) => text.Length > 0 && text.All(c => c is 'A' or 'C' or 'G' or 'T' or 'N');
}
