using System.Globalization;
using System.Text.RegularExpressions;

namespace LabelFree.Data.Sequences;

/// <summary>Where a record comes from in its genome: chromosome and 1-based inclusive start and end, as UCSC writes <c>chr2L:16764737-16766736</c>.</summary>
public sealed partial record GenomicRegion(string Chrom, long Start, long End)
{
    /// <summary>The region named in a record's description or id (<c>chrom:start-end</c>, start may be negative), or null.</summary>
    public static GenomicRegion? Of(SequenceRecord record) => Parse(record.Description) ?? Parse(record.Id);

    public static GenomicRegion? Parse(string text)
    {
        var match = Pattern().Match(text);
        if (!match.Success) return null;
        var start = long.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
        var end = long.Parse(match.Groups[3].Value, CultureInfo.InvariantCulture);
        return end < start ? null : new GenomicRegion(match.Groups[1].Value, start, end);
    }

    /// <summary>
    /// A group name per record: records whose regions overlap (on either strand, directly or through a chain of
    /// overlaps) share a group, <c>chrom#n</c>; a record without a region is a group of its own, its id. For
    /// <see cref="RecordSplit.HoldOutGroups"/>, so no held-out base was seen in training.
    /// </summary>
    public static string[] OverlapGroups(IReadOnlyList<SequenceRecord> records)
    {
        var groups = new string[records.Count];
        var located = new List<(GenomicRegion Region, int Record)>();
        for (var i = 0; i < records.Count; i++)
        {
            if (Of(records[i]) is { } region) located.Add((region, i));
            else groups[i] = "record:" + records[i].Id;
        }
        foreach (var chromosome in located.GroupBy(l => l.Region.Chrom, StringComparer.Ordinal))
        {
            var number = -1;
            var reach = long.MinValue;
            foreach (var (region, record) in chromosome.OrderBy(l => l.Region.Start))
            {
                if (region.Start > reach) number++;
                reach = Math.Max(reach, region.End);
                groups[record] = $"{chromosome.Key}#{number}";
            }
        }
        return groups;
    }

    [GeneratedRegex(@"(?:^|\s)([^\s:]+):(-?\d+)-(-?\d+)(?:\s|$)")]
    private static partial Regex Pattern();
}
