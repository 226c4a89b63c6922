namespace LabelFree.Analysis.Sequences;

/// <summary>
/// k-mer frequency spectra, the classic alignment-free features of DNA and the baseline a DNA language model is
/// compared with: for each k from 1 to <c>maxK</c>, the frequency of each of the 4^k words (A, C, G, T; words with any
/// other base are skipped) among the sequence's words of that length. Features are ordered by k, then by word with
/// A, C, G, T as digits 0-3 (first base most significant); 4 + 16 + ... + 4^maxK features.
/// </summary>
public static class KmerSpectrum
{
    public const int MaxK = 8;

    public static int Features(int maxK) => Enumerable.Range(1, RequireK(maxK)).Sum(k => 1 << (2 * k));

    /// <summary>(sequences, <see cref="Features"/>) frequencies; a sequence too short for some k has zeros there.</summary>
    public static float[,] Of(IReadOnlyList<ReadOnlyMemory<byte>> sequences, int maxK)
    {
        var features = new float[sequences.Count, Features(maxK)];
        var counts = new int[1 << (2 * maxK)];
        for (var s = 0; s < sequences.Count; s++)
        {
            var offset = 0;
            for (var k = 1; k <= maxK; k++)
            {
                var words = 1 << (2 * k);
                Array.Clear(counts, 0, words);
                var total = 0;
                var (code, run) = (0, 0);
                foreach (var b in sequences[s].Span)
                {
                    var digit = Digit(b);
                    (code, run) = digit < 0 ? (0, 0) : (((code << 2) | digit) & (words - 1), run + 1);
                    if (run < k) continue;
                    counts[code]++;
                    total++;
                }
                for (var w = 0; w < words && total > 0; w++) features[s, offset + w] = counts[w] / (float)total;
                offset += words;
            }
        }
        return features;
    }

    private static int Digit(byte b) => (b | 0x20) switch
    {
        'a' => 0,
        'c' => 1,
        'g' => 2,
        't' => 3,
        _ => -1,
    };

    private static int RequireK(int maxK) =>
        maxK is >= 1 and <= MaxK ? maxK : throw new ArgumentOutOfRangeException(nameof(maxK), maxK, $"expected 1 to {MaxK}");
}
