using System.Globalization;
using System.Text;
using LabelFree.Core.IO;

namespace LabelFree.Analysis.Loci;

/// <summary>A region hit by one or more phenotypes: merged clumps, led by the variant with the smallest P.</summary>
public sealed record Locus(string Chrom, int Start, int End, Association Lead, string LeadPhenotype, IReadOnlyList<string> Phenotypes, int ClumpCount);

/// <summary>Merges clumps of all phenotypes whose spans overlap (same chromosome) into one table of loci.</summary>
public static class IndependentLoci
{
    public static IReadOnlyList<Locus> Merge(IEnumerable<Clump> clumps)
    {
        var loci = new List<Locus>();
        foreach (var chrom in clumps.GroupBy(c => c.Index.Chrom).OrderBy(g => ChromKey(g.Key)))
        {
            var current = new List<Clump>();
            var end = int.MinValue;
            foreach (var clump in chrom.OrderBy(c => c.Start))
            {
                if (current.Count > 0 && clump.Start > end)
                {
                    loci.Add(ToLocus(current));
                    current.Clear();
                }
                current.Add(clump);
                end = current.Count == 1 ? clump.End : Math.Max(end, clump.End);
            }
            if (current.Count > 0) loci.Add(ToLocus(current));
        }
        return loci;
    }

    public const string Header = "LOCUS\tCHROM\tSTART\tEND\tLEAD_ID\tLEAD_POS\tLEAD_P\tLEAD_PHENOTYPE\tN_PHENOTYPES\tPHENOTYPES\tN_CLUMPS";

    /// <summary>Writes the loci as TSV (atomically).</summary>
    public static void Write(string path, IReadOnlyList<Locus> loci)
    {
        var text = new StringBuilder(Header).Append('\n');
        for (var i = 0; i < loci.Count; i++)
        {
            var l = loci[i];
            text.Append(CultureInfo.InvariantCulture, $"{i + 1}\t{l.Chrom}\t{l.Start}\t{l.End}\t{l.Lead.Id}\t{l.Lead.Position}\t")
                .Append(Gwas.PlinkNumber.G6(l.Lead.P)).Append('\t')
                .Append(CultureInfo.InvariantCulture, $"{l.LeadPhenotype}\t{l.Phenotypes.Count}\t{string.Join(',', l.Phenotypes)}\t{l.ClumpCount}\n");
        }
        AtomicFile.WriteAllText(path, text.ToString());
    }

    /// <summary>Reads a table written by <see cref="Write"/> back (the lead's P at its printed precision).</summary>
    public static IReadOnlyList<Locus> Read(string path) => File.ReadLines(path).Skip(1).Where(l => l.Length > 0).Select(line =>
    {
        var f = line.Split('\t');
        var position = int.Parse(f[5], CultureInfo.InvariantCulture);
        return new Locus(f[1], int.Parse(f[2], CultureInfo.InvariantCulture), int.Parse(f[3], CultureInfo.InvariantCulture),
            new Association(f[1], position, f[4], double.Parse(f[6], CultureInfo.InvariantCulture)), f[7], f[9].Split(','),
            int.Parse(f[10], CultureInfo.InvariantCulture));
    }).ToArray();

    private static Locus ToLocus(List<Clump> clumps)
    {
        var lead = clumps.MinBy(c => c.Index.P)!;
        var phenotypes = clumps.Select(c => c.Phenotype).Distinct().Order(StringComparer.Ordinal).ToArray();
        return new Locus(lead.Index.Chrom, clumps.Min(c => c.Start), clumps.Max(c => c.End), lead.Index, lead.Phenotype, phenotypes, clumps.Count);
    }

    // Numeric chromosomes in numeric order, then the rest by name.
    private static (int, string) ChromKey(string chrom) =>
        int.TryParse(chrom.StartsWith("chr", StringComparison.OrdinalIgnoreCase) ? chrom[3..] : chrom, out var n) ? (n, "") : (int.MaxValue, chrom);
}
