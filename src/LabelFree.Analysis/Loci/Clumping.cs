using System.Globalization;
using System.Text;
using LabelFree.Analysis.Gwas;
using LabelFree.Core.IO;

namespace LabelFree.Analysis.Loci;

/// <summary>An index variant and the variants clumped to it (the index included), with their position span.</summary>
public sealed record Clump(string Phenotype, Association Index, IReadOnlyList<Association> Members)
{
    public int Start => Members.Min(m => m.Position);

    public int End => Members.Max(m => m.Position);
}

/// <summary>
/// PLINK --clump: take variants with P &lt;= p1 in increasing P; each one not yet in a clump becomes an index variant
/// and collects the unclumped variants within kb with P &lt;= p2 and r² &gt;= r2. A variant joins at most one clump.
/// </summary>
public static class Clumping
{
    /// <param name="variantIndex">The variant's row in the genotype file, or null if it is not there (then it can
    /// only form a clump of its own, as PLINK reports such variants).</param>
    public static IReadOnlyList<Clump> Run(SumStats stats, Func<string, long?> variantIndex, LinkageDisequilibrium ld, ClumpSettings settings)
    {
        settings.Validate();
        var candidates = stats.Rows.Where(r => r.P <= settings.P2).ToArray();
        var byChrom = candidates.GroupBy(r => r.Chrom).ToDictionary(g => g.Key, g => g.OrderBy(r => r.Position).ToArray());
        var clumped = new HashSet<Association>(ReferenceEqualityComparer.Instance);
        var clumps = new List<Clump>();
        var window = settings.Kb * 1000;
        foreach (var index in candidates.Where(r => r.P <= settings.P1).OrderBy(r => r.P).ThenBy(r => r.Chrom).ThenBy(r => r.Position))
        {
            if (!clumped.Add(index)) continue;
            var members = new List<Association> { index };
            var indexRow = variantIndex(index.Id);
            var sorted = byChrom[index.Chrom];
            var from = LowerBound(sorted, index.Position - window);
            for (var k = from; k < sorted.Length && sorted[k].Position <= index.Position + window; k++)
            {
                var other = sorted[k];
                if (clumped.Contains(other) || indexRow is null || variantIndex(other.Id) is not { } otherRow) continue;
                if (ld.R2(indexRow.Value, otherRow) >= settings.R2)
                {
                    clumped.Add(other);
                    members.Add(other);
                }
            }
            clumps.Add(new Clump(stats.Phenotype, index, members));
        }
        return clumps;
    }

    public const string Header = "PHENOTYPE\tCHROM\tINDEX_ID\tPOS\tP\tN_CLUMPED\tSTART\tEND\tCLUMPED_IDS";

    /// <summary>Writes every phenotype's clumps as TSV (atomically), like PLINK's .clumped with the span added.</summary>
    public static void Write(string path, IEnumerable<Clump> clumps)
    {
        var text = new StringBuilder(Header).Append('\n');
        foreach (var c in clumps)
            text.Append(CultureInfo.InvariantCulture, $"{c.Phenotype}\t{c.Index.Chrom}\t{c.Index.Id}\t{c.Index.Position}\t")
                .Append(PlinkNumber.G6(c.Index.P))
                .Append(CultureInfo.InvariantCulture, $"\t{c.Members.Count - 1}\t{c.Start}\t{c.End}\t")
                .Append(c.Members.Count > 1 ? string.Join(',', c.Members.Skip(1).Select(m => m.Id)) : "NONE").Append('\n');
        AtomicFile.WriteAllText(path, text.ToString());
    }

    private static int LowerBound(Association[] sorted, int position)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (sorted[mid].Position < position) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }
}
