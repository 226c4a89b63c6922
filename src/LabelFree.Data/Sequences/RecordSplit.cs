using LabelFree.Core.Errors;
using LabelFree.Core.Randomness;

namespace LabelFree.Data.Sequences;

/// <summary>Training and held-out record indices, each ascending; every record is in exactly one of them.</summary>
public sealed record RecordSplit(int[] Train, int[] HeldOut)
{
    /// <summary>
    /// Holds out round(<paramref name="fraction"/> x records) whole records (at least one, and at least one left for
    /// training), chosen by the stream <c>Rng.For(seed, "record-split")</c>. Windows cut afterwards from either side
    /// never share bases, which a split of windows would not guarantee.
    /// </summary>
    public static RecordSplit HoldOut(int records, double fraction, long seed)
    {
        if (records < 2) throw new UserInputException($"held-out split: need at least 2 records to hold some out, got {records}");
        if (fraction is <= 0 or >= 1) throw new UserInputException($"held-out fraction: expected a number in (0, 1), got {fraction}");
        var heldOut = Math.Clamp((int)Math.Round(fraction * records), 1, records - 1);
        var order = Rng.For(seed, "record-split").Permutation(records);
        var held = order[..heldOut];
        var train = order[heldOut..];
        Array.Sort(held);
        Array.Sort(train);
        return new RecordSplit(train, held);
    }

    /// <summary>
    /// Holds out whole groups of records (for example the overlap groups of <see cref="GenomicRegion.OverlapGroups"/>,
    /// or chromosomes) until at least round(<paramref name="fraction"/> x records) records are held out, groups taken
    /// in the order of the stream <c>Rng.For(seed, "record-split")</c>. Use it when records share sequence: the dm3
    /// upstream file has 26,454 records but only 17,295 distinct regions, so a split of records would score models on
    /// sequence they were trained on.
    /// </summary>
    public static RecordSplit HoldOutGroups(IReadOnlyList<string> groups, double fraction, long seed)
    {
        if (fraction is <= 0 or >= 1) throw new UserInputException($"held-out fraction: expected a number in (0, 1), got {fraction}");
        var names = groups.Distinct(StringComparer.Ordinal).ToArray();
        if (names.Length < 2) throw new UserInputException($"held-out split: need at least 2 groups of records to hold some out, got {names.Length}");
        var members = names.ToDictionary(n => n, _ => new List<int>(), StringComparer.Ordinal);
        for (var i = 0; i < groups.Count; i++) members[groups[i]].Add(i);
        var target = Math.Max(1, (int)Math.Round(fraction * groups.Count));
        var held = new List<int>();
        var order = Rng.For(seed, "record-split").Permutation(names.Length);
        for (var g = 0; g < order.Length - 1 && held.Count < target; g++) held.AddRange(members[names[order[g]]]);
        var heldSet = held.ToHashSet();
        return new RecordSplit(
            Enumerable.Range(0, groups.Count).Where(i => !heldSet.Contains(i)).ToArray(),
            held.Order().ToArray());
    }

    /// <summary>The records at <paramref name="indices"/>.</summary>
    public static IReadOnlyList<T> Select<T>(IReadOnlyList<T> items, int[] indices) => indices.Select(i => items[i]).ToArray();
}
