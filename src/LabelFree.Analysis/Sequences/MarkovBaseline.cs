using LabelFree.Core.Errors;
using LabelFree.Core.Randomness;

namespace LabelFree.Analysis.Sequences;

/// <summary>Held-out code length of a model: mean bits per predicted nucleotide, and how many were predicted (A, C, G, T only).</summary>
public sealed record MarkovScore(double BitsPerNucleotide, long Predicted);

/// <summary>
/// The baseline every DNA language-model evaluation reports beside the model: an order-k Markov chain over A, C, G, T
/// with add-alpha (Laplace for alpha 1) smoothing, p(b | the k bases before) = (n(context, b) + alpha) / (n(context) + 4 alpha).
/// Bases other than A, C, G, T (N, IUPAC codes) are not predicted and break the context, as does the start of a
/// record; where fewer than k known bases precede a position, the longest available context is used (all orders up
/// to k are counted), so every known base is predicted. Case is ignored. Two bits per nucleotide is the uniform code.
/// <para>Sequences are ASCII bases (LabelFree.Data's SequenceRecord.Bases, or any byte arrays).</para>
/// </summary>
public sealed class MarkovBaseline
{
    /// <summary>Orders above this need more than 50 MB of counts and rarely help on the data sizes here.</summary>
    public const int MaxOrder = 10;

    private const byte Unknown = 4;

    private static readonly byte[] Codes = BuildCodes();   // A C G T -> 0..3, anything else -> Unknown

    private readonly long[][] _counts;   // [order][context * 4 + base]
    private readonly long[][] _totals;   // [order][context]

    private MarkovBaseline(int order, double alpha, long[][] counts, long[][] totals, IReadOnlyList<double> selectionBits)
    {
        Order = order;
        Alpha = alpha;
        _counts = counts;
        _totals = totals;
        SelectionBits = selectionBits;
    }

    public int Order { get; }

    public double Alpha { get; }

    /// <summary>Bits per nucleotide of each order 0..max on the selection slice (empty when the order was given).</summary>
    public IReadOnlyList<double> SelectionBits { get; }

    /// <summary>Counts every order up to <paramref name="order"/> on <paramref name="sequences"/>.</summary>
    public static MarkovBaseline Fit(IReadOnlyList<ReadOnlyMemory<byte>> sequences, int order, double alpha = 1) =>
        Fit(sequences, order, alpha, []);

    /// <summary>
    /// Chooses the order on the training data alone: holds out <paramref name="selectionFraction"/> of the training
    /// records (whole records, or whole <paramref name="groups"/> when given, in the order of the stream
    /// <c>Rng.For(seed, "markov-selection")</c>; with a single record, its last part), scores orders
    /// 0..<paramref name="maxOrder"/> fitted on the rest, and refits the best on all training records.
    /// <para>Pass groups when records share sequence (overlapping genomic regions): otherwise the selection slice
    /// repeats training sequence and rewards the highest order, which then does worse than uniform on truly new data.</para>
    /// </summary>
    /// <param name="groups">A group name per training record (records of one group are held out together), or null.</param>
    public static MarkovBaseline Select(IReadOnlyList<ReadOnlyMemory<byte>> training, int maxOrder = 8, double alpha = 1, double selectionFraction = 0.1,
        long seed = 0, IReadOnlyList<string>? groups = null)
    {
        if (selectionFraction is <= 0 or >= 1) throw new UserInputException($"markov selection fraction: expected a number in (0, 1), got {selectionFraction}");
        if (groups is not null && groups.Count != training.Count)
            throw new ArgumentException($"{groups.Count} group names for {training.Count} training records", nameof(groups));
        var (fit, selection) = SplitForSelection(training, groups, selectionFraction, seed);
        var full = Fit(fit, maxOrder, alpha);
        var bits = Enumerable.Range(0, maxOrder + 1).Select(k => full.Evaluate(selection, k).BitsPerNucleotide).ToArray();
        var best = Array.IndexOf(bits, bits.Where(double.IsFinite).DefaultIfEmpty(double.NaN).Min());
        return Fit(training, Math.Max(0, best), alpha, bits);
    }

    /// <summary>The held-out code length of <paramref name="sequences"/> under this model.</summary>
    public MarkovScore Evaluate(IReadOnlyList<ReadOnlyMemory<byte>> sequences) => Evaluate(sequences, Order);

    /// <summary>p(<paramref name="next"/> | <paramref name="context"/>) using the last min(k, known run) bases of the context.</summary>
    public double Probability(ReadOnlySpan<byte> context, byte next)
    {
        var b = Codes[next];
        if (b == Unknown) throw new ArgumentException($"'{(char)next}' is not one of A, C, G, T", nameof(next));
        var (code, run) = (0, 0);
        foreach (var c in context)
        {
            var digit = Codes[c];
            (code, run) = digit == Unknown ? (0, 0) : (((code << 2) | digit) & 0x3FFFFFFF, run + 1);
        }
        var order = Math.Min(Order, run);
        return Probability(order, code & ((1 << (2 * order)) - 1), b);
    }

    /// <summary>
    /// Bits of the bases [<paramref name="start"/>, <paramref name="start"/> + <paramref name="length"/>) of
    /// <paramref name="sequence"/> coded left to right: each base given the known bases before it (the span's own
    /// earlier bases included), as <see cref="Evaluate(IReadOnlyList{ReadOnlyMemory{byte}})"/> codes every base.
    /// The span must be A, C, G, T only.
    /// </summary>
    public double CausalSpanBits(ReadOnlySpan<byte> sequence, int start, int length)
    {
        RequireSpan(sequence, start, length);
        var (code, run) = ContextBefore(sequence, start);
        double bits = 0;
        for (var i = start; i < start + length; i++)
        {
            var b = Codes[sequence[i]];
            var k = Math.Min(Order, run);
            bits -= Math.Log2(Probability(k, code & ((1 << (2 * k)) - 1), b));
            (code, run) = (((code << 2) | b) & 0x3FFFFFFF, run + 1);
        }
        return bits;
    }

    /// <summary>
    /// Bits of the span given every other base of <paramref name="sequence"/>: -log2 p(span | rest) under the chain,
    /// p(span = c | rest) proportional to the product of p(x_i | its context) over the span and the <see cref="Order"/>
    /// bases after it (the terms whose context reaches into the span), normalised over all 4^length spans. This is the
    /// Markov model's own answer to a masked-span question, the fair baseline for a masked language model that sees
    /// both sides. At most 8 bases; the span must be A, C, G, T only.
    /// </summary>
    public double ConditionalSpanBits(ReadOnlySpan<byte> sequence, int start, int length)
    {
        RequireSpan(sequence, start, length);
        if (length > 8) throw new ArgumentOutOfRangeException(nameof(length), length, "at most 8 bases (65,536 candidate spans)");
        var (before, beforeRun) = ContextBefore(sequence, start);
        var end = start + length;
        var after = end;  // the bases after the span whose probabilities depend on it: up to Order known bases
        while (after < sequence.Length && after - end < Order && Codes[sequence[after]] != Unknown) after++;
        var truth = 0;
        for (var i = start; i < end; i++) truth = (truth << 2) | Codes[sequence[i]];
        var candidates = 1 << (2 * length);
        var logs = new double[candidates];
        for (var c = 0; c < candidates; c++)
        {
            var (code, run) = (before, beforeRun);
            double log = 0;
            for (var i = start; i < after; i++)
            {
                var b = i < end ? (c >> (2 * (end - 1 - i))) & 3 : Codes[sequence[i]];
                var k = Math.Min(Order, run);
                log += Math.Log(Probability(k, code & ((1 << (2 * k)) - 1), b));
                (code, run) = (((code << 2) | b) & 0x3FFFFFFF, run + 1);
            }
            logs[c] = log;
        }
        var max = logs.Max();
        var sum = logs.Sum(l => Math.Exp(l - max));
        return -(logs[truth] - max - Math.Log(sum)) / Math.Log(2);
    }

    /// <summary>The code of the known bases just before <paramref name="position"/> and how many there are (up to 15).</summary>
    private static (int Code, int Run) ContextBefore(ReadOnlySpan<byte> sequence, int position)
    {
        var (code, run) = (0, 0);
        for (var i = Math.Max(0, position - 15); i < position; i++)
        {
            var digit = Codes[sequence[i]];
            (code, run) = digit == Unknown ? (0, 0) : (((code << 2) | digit) & 0x3FFFFFFF, run + 1);
        }
        return (code, run);
    }

    private static void RequireSpan(ReadOnlySpan<byte> sequence, int start, int length)
    {
        if (start < 0 || length < 1 || start + length > sequence.Length)
            throw new ArgumentOutOfRangeException(nameof(start), $"span [{start}, {start + length}) is not inside a sequence of {sequence.Length}");
        for (var i = start; i < start + length; i++)
            if (Codes[sequence[i]] == Unknown) throw new ArgumentException($"base {i} of the span is not A, C, G or T", nameof(sequence));
    }

    private MarkovScore Evaluate(IReadOnlyList<ReadOnlyMemory<byte>> sequences, int order)
    {
        double bits = 0;
        long predicted = 0;
        var keep = (1 << (2 * Math.Max(1, Order))) - 1;
        foreach (var sequence in sequences)
        {
            var (code, run) = (0, 0);
            foreach (var c in sequence.Span)
            {
                var b = Codes[c];
                if (b == Unknown)
                {
                    (code, run) = (0, 0);
                    continue;
                }
                var k = Math.Min(order, run);
                bits -= Math.Log2(Probability(k, code & ((1 << (2 * k)) - 1), b));
                predicted++;
                code = ((code << 2) | b) & keep;
                run++;
            }
        }
        return new MarkovScore(predicted == 0 ? double.NaN : bits / predicted, predicted);
    }

    private double Probability(int order, int context, int b) =>
        (_counts[order][context * 4 + b] + Alpha) / (_totals[order][context] + 4 * Alpha);

    private static MarkovBaseline Fit(IReadOnlyList<ReadOnlyMemory<byte>> sequences, int order, double alpha, IReadOnlyList<double> selectionBits)
    {
        if (order is < 0 or > MaxOrder) throw new UserInputException($"markov order: expected 0 to {MaxOrder}, got {order}");
        if (alpha <= 0 || !double.IsFinite(alpha)) throw new UserInputException($"markov alpha: expected a positive number, got {alpha}");
        var counts = Enumerable.Range(0, order + 1).Select(k => new long[4 << (2 * k)]).ToArray();
        var totals = Enumerable.Range(0, order + 1).Select(k => new long[1 << (2 * k)]).ToArray();
        var keep = (1 << (2 * Math.Max(1, order))) - 1;
        foreach (var sequence in sequences)
        {
            var (code, run) = (0, 0);
            foreach (var c in sequence.Span)
            {
                var b = Codes[c];
                if (b == Unknown)
                {
                    (code, run) = (0, 0);
                    continue;
                }
                for (var k = Math.Min(order, run); k >= 0; k--)
                {
                    var context = code & ((1 << (2 * k)) - 1);
                    counts[k][context * 4 + b]++;
                    totals[k][context]++;
                }
                code = ((code << 2) | b) & keep;
                run++;
            }
        }
        return new MarkovBaseline(order, alpha, counts, totals, selectionBits);
    }

    private static (IReadOnlyList<ReadOnlyMemory<byte>> Fit, IReadOnlyList<ReadOnlyMemory<byte>> Selection) SplitForSelection(
        IReadOnlyList<ReadOnlyMemory<byte>> training, IReadOnlyList<string>? groups, double fraction, long seed)
    {
        if (training.Count == 0) throw new UserInputException("markov training: no sequences");
        var names = (groups ?? Enumerable.Range(0, training.Count).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray())
            .Distinct(StringComparer.Ordinal).ToArray();
        if (names.Length == 1)
        {
            var joined = training.Count == 1 ? training[0] : training.SelectMany(t => t.ToArray()).ToArray();
            var cut = (int)Math.Round(joined.Length * (1 - fraction));
            return ([joined[..cut]], [joined[cut..]]);
        }
        var target = Math.Max(1, (int)Math.Round(fraction * training.Count));
        var order = Rng.For(seed, "markov-selection").Permutation(names.Length);
        var heldNames = new HashSet<string>(StringComparer.Ordinal);
        var held = 0;
        for (var g = 0; g < order.Length - 1 && held < target; g++)
        {
            heldNames.Add(names[order[g]]);
            held += groups is null ? 1 : groups.Count(n => n == names[order[g]]);
        }
        bool IsHeld(int i) => heldNames.Contains(groups is null ? i.ToString(System.Globalization.CultureInfo.InvariantCulture) : groups[i]);
        var indices = Enumerable.Range(0, training.Count).ToArray();
        return (indices.Where(i => !IsHeld(i)).Select(i => training[i]).ToArray(), indices.Where(IsHeld).Select(i => training[i]).ToArray());
    }

    private static byte[] BuildCodes()
    {
        var codes = new byte[256];
        Array.Fill(codes, Unknown);
        foreach (var (c, i) in new[] { ('A', 0), ('C', 1), ('G', 2), ('T', 3) })
        {
            codes[c] = (byte)i;
            codes[char.ToLowerInvariant(c)] = (byte)i;
        }
        return codes;
    }
}
