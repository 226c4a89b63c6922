using System.Globalization;
using LabelFree.Core.Errors;
using LabelFree.Core.IO;

namespace LabelFree.Analysis.Loci;

/// <summary>One association result: where the variant is and its p-value.</summary>
public sealed record Association(string Chrom, int Position, string Id, double P);

/// <summary>Association results of one phenotype.</summary>
public sealed record SumStats(string Phenotype, IReadOnlyList<Association> Rows);

/// <summary>
/// Reads plink2-style association files (.glm.linear, .glm.logistic, optionally .gz): the columns #CHROM, POS, ID and P
/// are needed; rows with P = NA, and covariate rows (TEST other than ADD), are skipped. Only rows with
/// P &lt;= <c>maxP</c> are kept, which is all clumping uses.
/// </summary>
public static class SumStatsReader
{
    public static SumStats Read(string path, string phenotype, double maxP = 1)
    {
        using var reader = InputFile.OpenText(path, "association file");
        var header = (reader.ReadLine() ?? throw new UserInputException($"{path}: empty file")).Split('\t');
        int Column(string name) => Array.IndexOf(header, name) is var i and >= 0 ? i
            : throw new UserInputException($"{path}: no {name} column (expected plink2 --glm output with #CHROM, POS, ID, P)");
        int chrom = Column("#CHROM"), pos = Column("POS"), id = Column("ID"), p = Column("P");
        var test = Array.IndexOf(header, "TEST");   // with covariate rows, only the genotype's (ADD) rows count
        var rows = new List<Association>();
        var line = 1;
        Span<Range> fields = stackalloc Range[header.Length + 1];
        while (reader.ReadLine() is { } text)
        {
            line++;
            var span = text.AsSpan();
            if (span.Split(fields, '\t') != header.Length)
                throw new UserInputException($"{path}: line {line} does not have the header's {header.Length} fields");
            // Most rows fail the p-value filter: parse P first and the rest only for the rows kept.
            if (test >= 0 && span[fields[test]] is not "ADD") continue;
            var pText = span[fields[p]];
            if (pText is "NA") continue;
            if (!double.TryParse(pText, NumberStyles.Float, CultureInfo.InvariantCulture, out var pValue))
                throw new UserInputException($"{path}: line {line}: P '{pText}' is not a number");
            if (pValue > maxP) continue;
            if (!int.TryParse(span[fields[pos]], NumberStyles.Integer, CultureInfo.InvariantCulture, out var position))
                throw new UserInputException($"{path}: line {line}: POS '{span[fields[pos]]}' is not an integer");
            rows.Add(new Association(span[fields[chrom]].ToString(), position, span[fields[id]].ToString(), pValue));
        }
        return new SumStats(phenotype, rows);
    }

    /// <summary>
    /// Phenotype labels for files: the file name without .glm.linear/.glm.logistic(.gz), then without the prefix
    /// shared by every file up to a dot (so out.GENE.glm.linear becomes GENE).
    /// </summary>
    public static IReadOnlyList<string> Labels(IReadOnlyList<string> paths)
    {
        var names = paths.Select(p =>
        {
            var name = Path.GetFileName(p);
            foreach (var suffix in new[] { ".gz", ".linear", ".logistic", ".hybrid", ".glm" })
                if (name.EndsWith(suffix, StringComparison.Ordinal)) name = name[..^suffix.Length];
            return name;
        }).ToArray();
        if (names.Length < 2)
            return names.Select(n => n.IndexOf('.') is var i && i > 0 && i < n.Length - 1 ? n[(i + 1)..] : n).ToArray();
        var prefix = names[0];
        foreach (var n in names) while (!n.StartsWith(prefix, StringComparison.Ordinal)) prefix = prefix[..^1];
        var cut = prefix.LastIndexOf('.') + 1;
        return names.Select(n => n[cut..]).ToArray();
    }
}
