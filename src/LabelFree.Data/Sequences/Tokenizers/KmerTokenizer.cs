using System.Text;

namespace LabelFree.Data.Sequences.Tokenizers;

/// <summary>
/// DNABERT's tokenizer (Ji et al., Bioinformatics 2021): overlapping k-mers, k from 3 to 6, stride 1, so a sequence
/// of L bases gives L - k + 1 k-mers, framed as [CLS] k-mers [SEP] like BERT. The vocabulary is the reference's
/// <c>dnabert-config/bert-config-k/vocab.txt</c>: [PAD]=0 [UNK]=1 [CLS]=2 [SEP]=3 [MASK]=4, then the 4^k k-mers from
/// id 5 in <see cref="KmerAlphabet"/> order; 4^k + 5 tokens. A k-mer with any base other than A, C, G, T is [UNK].
/// </summary>
public sealed class KmerTokenizer : ISequenceTokenizer
{
    public const int Pad = 0, Unknown = 1, Cls = 2, Sep = 3, Mask = 4, FirstKmer = 5;

    private static readonly string[] SpecialNames = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"];

    private readonly int _k;
    private readonly bool _appendSep;

    public KmerTokenizer(TokenizerSpec spec)
    {
        Spec = spec.Validate();
        if (spec.Kind != TokenizerKind.DnabertKmer) throw new ArgumentException($"expected a {TokenizerKind.DnabertKmer} spec, got {spec.Kind}", nameof(spec));
        _k = spec.K;
        _appendSep = spec.AppendsEnd;
        VocabularySize = FirstKmer + KmerAlphabet.Count(_k);
    }

    public KmerTokenizer(int k) : this(TokenizerSpec.Dnabert(k)) { }

    public TokenizerSpec Spec { get; }

    public int VocabularySize { get; }

    public SpecialTokens Specials { get; } = new(Pad, Unknown, Cls, Mask, Sep, [Pad, Unknown, Cls, Sep, Mask]);

    public string TokenOf(int id)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(id);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(id, VocabularySize);
        return id < FirstKmer ? SpecialNames[id] : KmerAlphabet.Text(id - FirstKmer, _k);
    }

    public int IdOf(string token)
    {
        var special = Array.IndexOf(SpecialNames, token);
        if (special >= 0) return special;
        var index = KmerAlphabet.Index(token, _k);
        return index < 0 ? -1 : FirstKmer + index;
    }

    public TokenizedSequence Tokenize(ReadOnlySpan<byte> bases)
    {
        var kmers = Math.Max(0, bases.Length - _k + 1);
        var count = 1 + kmers + (_appendSep ? 1 : 0);
        var ids = new int[count];
        var starts = new int[count];
        var lengths = new int[count];
        ids[0] = Cls;
        starts[0] = -1;
        var index = 0;
        var run = 0;  // known bases ending at position i
        var mask = KmerAlphabet.Count(_k) - 1;
        for (var i = 0; i < bases.Length; i++)
        {
            var digit = KmerAlphabet.Digit(bases[i]);
            run = digit < 0 ? 0 : run + 1;
            index = ((index << 2) | Math.Max(digit, 0)) & mask;
            var start = i - _k + 1;
            if (start < 0) continue;
            ids[1 + start] = run >= _k ? FirstKmer + index : Unknown;
            starts[1 + start] = start;
            lengths[1 + start] = _k;
        }
        if (_appendSep)
        {
            ids[^1] = Sep;
            starts[^1] = -1;
        }
        return new TokenizedSequence(ids, starts, lengths);
    }

    public string Decode(ReadOnlySpan<long> ids)
    {
        var text = new StringBuilder();
        var first = true;
        foreach (var id in ids)
        {
            if (id == Pad) break;
            if (id is Cls or Sep) continue;
            var kmer = id >= FirstKmer && id < VocabularySize ? KmerAlphabet.Text((int)id - FirstKmer, _k) : new string('N', _k);
            text.Append(first ? kmer : kmer[^1..]);
            first = false;
        }
        return text.ToString();
    }
}
