using LabelFree.Core.Randomness;

namespace LabelFree.Data.Sequences;

/// <summary>
/// A random sequence with exactly the dinucleotide counts of the input (Altschul and Erickson, Mol. Biol. Evol. 1985),
/// the usual negative control for promoter and motif work: mono- and dinucleotide composition are kept, longer words
/// are not. Every byte is a symbol (N and IUPAC codes included), so their pairs are kept too; the first and last
/// symbols stay in place.
/// <para>The method: the sequence is an Eulerian walk in the multigraph of its dinucleotides. For every symbol but the
/// last, one of its outgoing edges is drawn as its "last exit"; the draw is repeated until the last exits form a tree
/// towards the last symbol (so the walk cannot strand); the other edges of each symbol are shuffled and the last exit
/// put at the end of its list; the walk from the first symbol then spells the shuffled sequence. Each sequence with the
/// same dinucleotide counts is equally likely.</para>
/// </summary>
public static class DinucleotideShuffle
{
    public static byte[] Of(ReadOnlySpan<byte> sequence, Rng rng)
    {
        if (sequence.Length < 3) return sequence.ToArray();
        var edges = new Dictionary<byte, List<byte>>();
        for (var i = 0; i + 1 < sequence.Length; i++)
        {
            if (!edges.TryGetValue(sequence[i], out var next)) edges[sequence[i]] = next = [];
            next.Add(sequence[i + 1]);
        }
        var last = sequence[^1];
        var symbols = edges.Keys.Where(s => s != last).Order().ToArray();
        var exit = new Dictionary<byte, int>();
        do
        {
            foreach (var s in symbols) exit[s] = rng.NextInt(edges[s].Count);
        }
        while (!FormsTree(symbols, s => edges[s][exit[s]], last));

        var walks = new Dictionary<byte, Queue<byte>>();
        foreach (var (symbol, next) in edges)
        {
            var order = next.ToList();
            byte? final = null;
            if (exit.TryGetValue(symbol, out var e))
            {
                final = order[e];
                order.RemoveAt(e);
            }
            var shuffled = order.ToArray();
            rng.Shuffle<byte>(shuffled);
            var queue = new Queue<byte>(shuffled);
            if (final is { } f) queue.Enqueue(f);
            walks[symbol] = queue;
        }
        var result = new byte[sequence.Length];
        result[0] = sequence[0];
        for (var i = 1; i < result.Length; i++) result[i] = walks[result[i - 1]].Dequeue();
        return result;
    }

    public static string Of(string sequence, Rng rng) => System.Text.Encoding.ASCII.GetString(Of(System.Text.Encoding.ASCII.GetBytes(sequence), rng));

    /// <summary>Whether following last exits from every symbol reaches <paramref name="root"/> without a cycle.</summary>
    private static bool FormsTree(byte[] symbols, Func<byte, byte> exit, byte root)
    {
        var reaches = new HashSet<byte> { root };
        foreach (var start in symbols)
        {
            var path = new List<byte>();
            var current = start;
            while (!reaches.Contains(current))
            {
                if (path.Contains(current)) return false;
                path.Add(current);
                current = exit(current);
            }
            reaches.UnionWith(path);
        }
        return true;
    }
}
