using System.Text;
using LabelFree.Analysis.Statistics;

namespace LabelFree.Analysis.Sequences;

/// <summary>Where a motif was found: bases [Start, End) of positive sequence <see cref="Sequence"/>.</summary>
public readonly record struct MotifInstance(int Sequence, int Start, int End);

/// <summary>
/// One motif: the high-attention word that defines it (<see cref="Key"/>), the positives and negatives that contain
/// that word, its enrichment p-value (hypergeometric) and BH q-value, and its instances (merged similar words,
/// aligned to the key) cut as fixed windows, with their position frequency matrix (window length x A, C, G, T).
/// </summary>
public sealed record Motif(string Key, int PositivesWithKey, int NegativesWithKey, double PValue, double QValue,
    IReadOnlyList<MotifInstance> Instances, IReadOnlyList<string> Windows, int[,] Counts)
{
    /// <summary>Counts as JASPAR's .pfm text: four lines (A, C, G, T), one column per window position.</summary>
    public string ToJasparPfm() => string.Join("", Enumerable.Range(0, 4).Select(b =>
        string.Join(" ", Enumerable.Range(0, Counts.GetLength(0)).Select(p => Counts[p, b])) + "\n"));
}

/// <summary>DNABERT-viz's motif search settings (the reference's find_motifs.py defaults).</summary>
/// <param name="MinLength">Shortest contiguous high-attention region, in bases.</param>
/// <param name="WindowSize">Length of the windows cut around each instance.</param>
/// <param name="QValueCutoff">Largest BH-adjusted enrichment p-value kept.</param>
/// <param name="MinInstances">Fewest instances (after merging and windowing) for a motif to be reported.</param>
/// <param name="OverMinimum">A high-attention base scores above this many times the sequence's lowest score (and above its mean).</param>
public sealed record MotifSearchOptions(int MinLength = 5, int WindowSize = 24, double QValueCutoff = 0.005, int MinInstances = 3, double OverMinimum = 10);

/// <summary>
/// DNABERT's attention-based motif discovery (Ji et al. 2021, the reference's motif/motif_utils.py), on per-base
/// attention scores of positive sequences:
/// <list type="number">
/// <item>High-attention regions: contiguous bases whose score is above the sequence's mean and above 10 times its
/// minimum (<see cref="MotifSearchOptions.OverMinimum"/>), at least <see cref="MotifSearchOptions.MinLength"/> long;
/// each region's bases are a candidate word. The factor 10 presumes the peaked attention of a fine-tuned DNABERT;
/// flatter attention (a small or briefly trained model) needs a smaller one.</item>
/// <item>Enrichment: for each word, the sequences (positive or negative; each counted once) that contain it; the
/// hypergeometric upper tail of the positives among them, Benjamini-Hochberg adjusted over all words; words with
/// q below the cutoff are kept.</item>
/// <item>Merging: words in order of length (shortest first) join the existing word they align with best, without gaps
/// (score = matching bases of the best overlap), if the score reaches max(min length - 1, half the shorter word);
/// their instances move into the key word's frame. Otherwise they become a new key.</item>
/// <item>Windows of <see cref="MotifSearchOptions.WindowSize"/> bases centred on each instance (instances whose window
/// leaves the sequence are dropped), and motifs with at least <see cref="MotifSearchOptions.MinInstances"/> windows are
/// reported with their position frequency matrices.</item>
/// </list>
/// Deviations: alignment ties are broken by the smallest shift (Biopython's aligner takes its first optimum); a
/// window may end exactly at the sequence's end (the reference requires it to end before the last base).
/// </summary>
public static class AttentionMotifs
{
    public static IReadOnlyList<Motif> Find(IReadOnlyList<string> positives, IReadOnlyList<float[]> attention, IReadOnlyList<string> negatives, MotifSearchOptions? options = null)
    {
        options ??= new MotifSearchOptions();
        if (positives.Count != attention.Count) throw new ArgumentException($"{positives.Count} positive sequences but {attention.Count} attention rows", nameof(attention));

        // 1. Candidate words and their instances, in order of first appearance.
        var words = new List<string>();
        var instances = new Dictionary<string, List<MotifInstance>>(StringComparer.Ordinal);
        for (var s = 0; s < positives.Count; s++)
        {
            foreach (var (start, end) in HighAttentionRegions(attention[s].AsSpan(0, Math.Min(attention[s].Length, positives[s].Length)), options.MinLength, options.OverMinimum))
            {
                var word = positives[s][start..end];
                if (!instances.TryGetValue(word, out var list))
                {
                    instances[word] = list = [];
                    words.Add(word);
                }
                list.Add(new MotifInstance(s, start, end));
            }
        }
        if (words.Count == 0) return [];

        // 2. Enrichment among positives against the negatives.
        var withWord = words.Select(w => (Positive: positives.Count(p => p.Contains(w, StringComparison.Ordinal)),
            Negative: negatives.Count(n => n.Contains(w, StringComparison.Ordinal)))).ToArray();
        var population = positives.Count + negatives.Count;
        var p = withWord.Select(c => Hypergeometric.UpperTail(c.Positive, population, positives.Count, c.Positive + c.Negative)).ToArray();
        var q = MultipleTesting.BenjaminiHochberg(p);
        var kept = Enumerable.Range(0, words.Count).Where(i => q[i] < options.QValueCutoff).ToArray();

        // 3. Merge similar words into keys, shortest first (a stable sort keeps first appearance among equal lengths).
        var keys = new List<(int Word, List<MotifInstance> Instances)>();
        foreach (var i in kept.OrderBy(i => words[i].Length))
        {
            var query = words[i];
            (int Key, int Shift, int Score)? best = null;
            for (var k = 0; k < keys.Count; k++)
            {
                var key = words[keys[k].Word];
                var (shift, score) = BestOverlap(query, key);
                if (score >= Math.Max(options.MinLength - 1, 0.5 * Math.Min(query.Length, key.Length)) && (best is null || score > best.Value.Score))
                    best = (k, shift, score);
            }
            if (best is { } b)
            {
                var keyLength = words[keys[b.Key].Word].Length;
                keys[b.Key].Instances.AddRange(instances[query].Select(m => m with { Start = m.Start + b.Shift, End = m.Start + b.Shift + keyLength }));
            }
            else
            {
                keys.Add((i, [.. instances[query]]));
            }
        }

        // 4. Fixed windows and position frequency matrices.
        var motifs = new List<Motif>();
        foreach (var (word, members) in keys)
        {
            var windows = new List<(MotifInstance Instance, string Bases)>();
            foreach (var m in members)
            {
                var extra = options.WindowSize - (m.End - m.Start);
                var start = m.Start - (extra >= 0 ? extra / 2 : -((-extra + 1) / 2));
                var end = start + options.WindowSize;
                if (start >= 0 && end <= positives[m.Sequence].Length) windows.Add((m with { Start = start, End = end }, positives[m.Sequence][start..end]));
            }
            if (windows.Count < options.MinInstances) continue;
            motifs.Add(new Motif(words[word], withWord[word].Positive, withWord[word].Negative, p[word], q[word],
                windows.Select(w => w.Instance).ToArray(), windows.Select(w => w.Bases).ToArray(), PositionFrequencies(windows.Select(w => w.Bases).ToArray(), options.WindowSize)));
        }
        return motifs.OrderBy(m => m.QValue).ThenByDescending(m => m.Windows.Count).ToArray();
    }

    /// <summary>Contiguous runs of at least <paramref name="minLength"/> bases whose score is above the mean and above <paramref name="overMinimum"/> times the minimum, as [start, end).</summary>
    public static IReadOnlyList<(int Start, int End)> HighAttentionRegions(ReadOnlySpan<float> scores, int minLength, double overMinimum = 10)
    {
        var regions = new List<(int, int)>();
        if (scores.Length == 0) return regions;
        double sum = 0, min = double.PositiveInfinity;
        foreach (var s in scores)
        {
            sum += s;
            min = Math.Min(min, s);
        }
        var mean = sum / scores.Length;
        var start = -1;
        for (var i = 0; i <= scores.Length; i++)
        {
            var high = i < scores.Length && scores[i] > mean && scores[i] > overMinimum * min;
            if (high && start < 0) start = i;
            if (!high && start >= 0)
            {
                if (i - start >= minLength) regions.Add((start, i));
                start = -1;
            }
        }
        return regions;
    }

    /// <summary>
    /// The best ungapped overlap of <paramref name="query"/> and <paramref name="key"/>: the shift (the key starts at
    /// query position shift) with the most matching bases; ties go to the smallest |shift|, then the smaller shift.
    /// </summary>
    public static (int Shift, int Score) BestOverlap(string query, string key)
    {
        var best = (Shift: 0, Score: -1);
        for (var shift = -(key.Length - 1); shift <= query.Length - 1; shift++)
        {
            var score = 0;
            for (var j = Math.Max(0, -shift); j < key.Length && j + shift < query.Length; j++)
                if (key[j] == query[j + shift]) score++;
            if (score > best.Score || score == best.Score && (Math.Abs(shift) < Math.Abs(best.Shift) || Math.Abs(shift) == Math.Abs(best.Shift) && shift < best.Shift))
                best = (shift, score);
        }
        return best;
    }

    /// <summary>Counts of A, C, G, T at each position of equal-length sequences (other letters are not counted): (length, 4).</summary>
    public static int[,] PositionFrequencies(IReadOnlyList<string> sequences, int length)
    {
        var counts = new int[length, 4];
        foreach (var s in sequences)
            for (var i = 0; i < Math.Min(length, s.Length); i++)
            {
                var b = "ACGT".IndexOf(char.ToUpperInvariant(s[i]));
                if (b >= 0) counts[i, b]++;
            }
        return counts;
    }

    /// <summary>A motif's windows as FASTA text (one record per instance: sequence index and window start).</summary>
    public static string WindowsFasta(Motif motif)
    {
        var text = new StringBuilder();
        for (var i = 0; i < motif.Windows.Count; i++) text.Append($">{motif.Key}_{i} sequence={motif.Instances[i].Sequence} start={motif.Instances[i].Start}\n{motif.Windows[i]}\n");
        return text.ToString();
    }
}
