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

    /// <summary>The records at <paramref name="indices"/>.</summary>
    public static IReadOnlyList<T> Select<T>(IReadOnlyList<T> items, int[] indices) => indices.Select(i => items[i]).ToArray();
}
