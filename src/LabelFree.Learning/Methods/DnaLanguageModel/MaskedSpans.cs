using LabelFree.Core.Randomness;
using LabelFree.Data.Sequences.Tokenizers;

namespace LabelFree.Learning.Methods.DnaLanguageModel;

/// <summary>Bases [Start, Start + Length) of sequence <see cref="Sequence"/>, hidden from the model and predicted.</summary>
public readonly record struct HiddenSpan(int Sequence, int Start, int Length);

/// <summary>
/// A hidden span's log-scores over every completion: <see cref="Scores"/>[c] for the 4^length spans in
/// <see cref="KmerAlphabet"/> order (A, T, C, G; first base most significant); <see cref="Truth"/> is the actual one.
/// Only differences between scores matter (they are normalised over the completions).
/// </summary>
public sealed record SpanScores(HiddenSpan Span, double[] Scores, int Truth)
{
    /// <summary>-log2 p(truth) with p the softmax of the scores over all completions.</summary>
    public double Bits
    {
        get
        {
            var max = Scores.Max();
            var sum = Scores.Sum(s => Math.Exp(s - max));
            return -(Scores[Truth] - max - Math.Log(sum)) / Math.Log(2);
        }
    }

    /// <summary>The score of the completion spelled by <paramref name="bases"/>.</summary>
    public double Of(string bases) => Scores[KmerAlphabet.Index(bases, Span.Length) is var i and >= 0 ? i
        : throw new ArgumentException($"'{bases}' is not {Span.Length} bases of A, C, G, T", nameof(bases))];
}

/// <summary>
/// What a masked language model predicts about hidden bases, and which bases an evaluation hides. Bits per nucleotide
/// of k-mer models are defined on bases, not tokens, because tokens overlap (DNABERT) or differ in length (NT):
/// <list type="bullet">
/// <item>A hidden span masks every token that covers one of its bases; the model's score of a completion c is the sum,
/// over those masked tokens, of the log-probability the model gives to the token that c (with the true bases
/// around it) would make. Normalised over all 4^length completions this is a proper distribution of the span given
/// every other base, so -log2 p(true span) / length is a code length in bits per nucleotide.</item>
/// <item>DNABERT (overlapping k-mers): a span is one base. Masking the k tokens that cover it leaves its neighbours'
/// tokens visible, and they spell every other base of the masked k-mers, so exactly one base is unknown to the model
/// (this is why DNABERT masks k contiguous tokens in pre-training). The k masked tokens' predictions are combined as a
/// product, each read at the k-mer the completion makes.</item>
/// <item>Nucleotide Transformer (non-overlapping k-mers): a span is one whole k-mer token; the model predicts its k
/// bases at once, and its bits are divided by k.</item>
/// </list>
/// Spans are chosen so that the model sees all other bases of the window: at least <see cref="Gap"/> bases apart (also
/// more than any Markov order, so the Markov baseline's conditional sees only true bases), never touching an N or a
/// single-nucleotide token, and only where every covering token is a whole k-mer.
/// </summary>
public static class MaskedSpans
{
    /// <summary>Fewest bases between two hidden spans of one sequence.</summary>
    public const int Gap = 16;

    /// <summary>
    /// Hidden spans for an evaluation: each eligible unit (a base for DNABERT, a k-mer token for NT) is chosen with
    /// probability <paramref name="rate"/>, left to right, skipping what lies within <see cref="Gap"/> bases of the
    /// last chosen span. Only tokens within the model's <paramref name="maxTokens"/> count.
    /// </summary>
    public static HiddenSpan[] Choose(ISequenceTokenizer tokenizer, IReadOnlyList<ReadOnlyMemory<byte>> sequences, int maxTokens, double rate, Rng rng)
    {
        var spans = new List<HiddenSpan>();
        var overlapping = tokenizer.Spec.Kind == TokenizerKind.DnabertKmer;
        var k = tokenizer.Spec.K;
        for (var s = 0; s < sequences.Count; s++)
        {
            var tokens = Kept(tokenizer, sequences[s].Span, maxTokens);
            var covered = CoveredBases(tokens);
            var next = 0;
            for (var t = 0; t < tokens.Count; t++)
            {
                if (tokens.Lengths[t] != k) continue;
                var (start, length) = overlapping ? (tokens.Starts[t] + k - 1, 1) : (tokens.Starts[t], k);
                if (start < next || !Eligible(tokenizer, tokens, covered, start, length)) continue;
                if (rng.NextDouble() >= rate) continue;
                spans.Add(new HiddenSpan(s, start, length));
                next = start + length + Gap;
            }
        }
        return spans.ToArray();
    }

    /// <summary>
    /// Whether [start, start + length) of <paramref name="bases"/> can be scored: inside the model's tokens, and every
    /// token covering it a whole k-mer of A, C, G, T (for DNABERT: all k of them, so neighbours spell the other bases).
    /// </summary>
    public static bool CanScore(ISequenceTokenizer tokenizer, ReadOnlySpan<byte> bases, int maxTokens, int start, int length)
    {
        var tokens = Kept(tokenizer, bases, maxTokens);
        return Eligible(tokenizer, tokens, CoveredBases(tokens), start, length);
    }

    /// <summary>The masked input of one sequence: its kept tokens with every token covering a hidden base replaced by [MASK], and the masked token positions per span.</summary>
    internal static (int[] Ids, int[][] MaskedTokens) Mask(ISequenceTokenizer tokenizer, TokenizedSequence tokens, IReadOnlyList<HiddenSpan> spans)
    {
        var ids = (int[])tokens.Ids.Clone();
        var masked = new int[spans.Count][];
        for (var i = 0; i < spans.Count; i++)
        {
            masked[i] = Covering(tokens, spans[i].Start, spans[i].Length).ToArray();
            foreach (var t in masked[i]) ids[t] = tokenizer.Specials.Mask;
        }
        return (ids, masked);
    }

    /// <summary>
    /// The scores of every completion of <paramref name="span"/>, from the log-probabilities (over the vocabulary) of its
    /// masked tokens (<paramref name="logProbabilities"/>[i] for token <paramref name="maskedTokens"/>[i]).
    /// </summary>
    internal static SpanScores Score(ISequenceTokenizer tokenizer, ReadOnlySpan<byte> bases, TokenizedSequence tokens, HiddenSpan span,
        int[] maskedTokens, IReadOnlyList<float[]> logProbabilities)
    {
        var k = tokenizer.Spec.K;
        var firstKmer = tokenizer.IdOf(new string('A', k));
        var candidates = 1 << (2 * span.Length);
        var scores = new double[candidates];
        for (var m = 0; m < maskedTokens.Length; m++)
        {
            var start = tokens.Starts[maskedTokens[m]];
            var logp = logProbabilities[m];
            var fixedPart = 0;  // the token's k-mer index with the span's bases at digit 0
            for (var i = 0; i < k; i++)
            {
                var position = start + i;
                var digit = position >= span.Start && position < span.Start + span.Length ? 0 : KmerAlphabet.Digit(bases[position]);
                fixedPart = (fixedPart << 2) | digit;
            }
            for (var c = 0; c < candidates; c++)
            {
                var index = fixedPart;
                for (var j = 0; j < span.Length; j++)
                {
                    var offset = span.Start + j - start;
                    if (offset < 0 || offset >= k) continue;
                    index |= ((c >> (2 * (span.Length - 1 - j))) & 3) << (2 * (k - 1 - offset));
                }
                scores[c] += logp[firstKmer + index];
            }
        }
        var truth = 0;
        for (var j = 0; j < span.Length; j++) truth = (truth << 2) | KmerAlphabet.Digit(bases[span.Start + j]);
        return new SpanScores(span, scores, truth);
    }

    /// <summary>The tokens of <paramref name="bases"/> the model sees (cut to <paramref name="maxTokens"/> as <see cref="SequenceEncoding.Truncate"/> does).</summary>
    internal static TokenizedSequence Kept(ISequenceTokenizer tokenizer, ReadOnlySpan<byte> bases, int maxTokens)
    {
        var tokens = tokenizer.Tokenize(bases);
        var ids = SequenceEncoding.Truncate(tokens.Ids, maxTokens, tokenizer.Specials);
        if (ids.Length == tokens.Count) return tokens;
        var suffix = tokens.Ids[^1] == tokenizer.Specials.End ? 1 : 0;
        var head = ids.Length - suffix;
        int[] Cut(int[] values) => suffix == 1 ? [.. values[..head], values[^1]] : values[..head];
        return new TokenizedSequence(ids, Cut(tokens.Starts), Cut(tokens.Lengths));
    }

    /// <summary>The body tokens covering any base of [start, start + length), in order.</summary>
    private static IEnumerable<int> Covering(TokenizedSequence tokens, int start, int length)
    {
        for (var t = 0; t < tokens.Count; t++)
            if (tokens.Lengths[t] > 0 && tokens.Starts[t] < start + length && tokens.Starts[t] + tokens.Lengths[t] > start) yield return t;
    }

    /// <summary>How many body tokens cover each base (0 for bases cut off by truncation).</summary>
    private static int[] CoveredBases(TokenizedSequence tokens)
    {
        var end = 0;
        for (var t = 0; t < tokens.Count; t++) end = Math.Max(end, tokens.Starts[t] + tokens.Lengths[t]);
        var covered = new int[end];
        for (var t = 0; t < tokens.Count; t++)
            for (var i = tokens.Starts[t]; i < tokens.Starts[t] + tokens.Lengths[t]; i++) covered[i]++;
        return covered;
    }

    private static bool Eligible(ISequenceTokenizer tokenizer, TokenizedSequence tokens, int[] covered, int start, int length)
    {
        var k = tokenizer.Spec.K;
        var overlapping = tokenizer.Spec.Kind == TokenizerKind.DnabertKmer;
        if (start < 0 || length < 1 || start + length > covered.Length) return false;
        for (var i = start; i < start + length; i++)
            if (covered[i] != (overlapping ? k : 1)) return false;
        bool IsKmer(int t) => t > 0 && t < tokens.Count && tokens.Lengths[t] == k && tokens.Ids[t] != tokenizer.Specials.Unknown;
        var masked = Covering(tokens, start, length).ToList();
        if (!masked.TrueForAll(IsKmer)) return false;
        // DNABERT: the tokens just before and after the masked ones spell the masked k-mers' other bases, so they must
        // be visible k-mers too; otherwise the model would not know more than the span.
        return !overlapping || IsKmer(masked[0] - 1) && IsKmer(masked[^1] + 1);
    }
}
