using System.Text;

namespace LabelFree.Data.Sequences.Tokenizers;

/// <summary>
/// The Nucleotide Transformer's tokenizer (Dalla-Torre et al., Nature Methods 2024; v2 vocabulary): non-overlapping
/// k-mers (k = 6 for the published models) read left to right through each run of A/C/G/T; an N is one token of its
/// own, and bases left over at the end of a run (fewer than k, before an N or at the end) become single-nucleotide
/// tokens. A [CLS] (&lt;cls&gt;) starts each sequence; no end token unless the spec asks for &lt;eos&gt;.
/// <para>Vocabulary (the reference's v2 ids): &lt;unk&gt;=0 &lt;pad&gt;=1 &lt;mask&gt;=2 &lt;cls&gt;=3 &lt;eos&gt;=4
/// &lt;bos&gt;=5, the 4^k k-mers from id 6 in <see cref="KmerAlphabet"/> order, then A, T, C, G, N: 4^k + 11 tokens
/// (4,107 for k = 6).</para>
/// <para>Deviation: the reference splits only at N and fails on other IUPAC codes; here R, Y, S, ... split a run like N
/// and become &lt;unk&gt;.</para>
/// </summary>
public sealed class NucleotideTransformerTokenizer : ISequenceTokenizer
{
    public const int Unknown = 0, Pad = 1, Mask = 2, Cls = 3, Eos = 4, Bos = 5, FirstKmer = 6;

    private static readonly string[] SpecialNames = ["<unk>", "<pad>", "<mask>", "<cls>", "<eos>", "<bos>"];
    private const string Singles = KmerAlphabet.Bases + "N";

    private readonly int _k;
    private readonly bool _appendEos;
    private readonly int _firstSingle;

    public NucleotideTransformerTokenizer(TokenizerSpec spec)
    {
        Spec = spec.Validate();
        if (spec.Kind != TokenizerKind.NucleotideTransformer) throw new ArgumentException($"expected a {TokenizerKind.NucleotideTransformer} spec, got {spec.Kind}", nameof(spec));
        _k = spec.K;
        _appendEos = spec.AppendsEnd;
        _firstSingle = FirstKmer + KmerAlphabet.Count(_k);
        VocabularySize = _firstSingle + Singles.Length;
    }

    public NucleotideTransformerTokenizer(int k = 6) : this(TokenizerSpec.NucleotideTransformer(k)) { }

    public TokenizerSpec Spec { get; }

    public int VocabularySize { get; }

    public SpecialTokens Specials { get; } = new(Pad, Unknown, Cls, Mask, Eos, [Unknown, Pad, Mask, Cls, Eos, Bos]);

    /// <summary>The id of the single-nucleotide token for A, T, C, G or N.</summary>
    public int SingleId(char nucleotide) => _firstSingle + Singles.IndexOf(char.ToUpperInvariant(nucleotide)) is var id && id >= _firstSingle ? id
        : throw new ArgumentException($"no single-nucleotide token for '{nucleotide}'", nameof(nucleotide));

    public string TokenOf(int id)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(id);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(id, VocabularySize);
        return id < FirstKmer ? SpecialNames[id] : id < _firstSingle ? KmerAlphabet.Text(id - FirstKmer, _k) : Singles[id - _firstSingle].ToString();
    }

    public int IdOf(string token)
    {
        var special = Array.IndexOf(SpecialNames, token);
        if (special >= 0) return special;
        if (token.Length == 1 && Singles.Contains(token[0])) return _firstSingle + Singles.IndexOf(token[0]);
        var index = KmerAlphabet.Index(token, _k);
        return index < 0 ? -1 : FirstKmer + index;
    }

    public TokenizedSequence Tokenize(ReadOnlySpan<byte> bases)
    {
        var ids = new List<int>(bases.Length / _k + 8) { Cls };
        var starts = new List<int>(ids.Capacity) { -1 };
        var lengths = new List<int>(ids.Capacity) { 0 };
        void Add(int id, int start, int length)
        {
            ids.Add(id);
            starts.Add(start);
            lengths.Add(length);
        }

        var i = 0;
        while (i < bases.Length)
        {
            var digit = KmerAlphabet.Digit(bases[i]);
            if (digit < 0)
            {
                Add((bases[i] | 0x20) == 'n' ? _firstSingle + 4 : Unknown, i, 1);
                i++;
                continue;
            }
            var end = i;
            while (end < bases.Length && KmerAlphabet.Digit(bases[end]) >= 0) end++;
            for (; i + _k <= end; i += _k)
            {
                var index = 0;
                for (var j = i; j < i + _k; j++) index = (index << 2) | KmerAlphabet.Digit(bases[j]);
                Add(FirstKmer + index, i, _k);
            }
            for (; i < end; i++) Add(_firstSingle + KmerAlphabet.Digit(bases[i]), i, 1);
        }
        if (_appendEos) Add(Eos, -1, 0);
        return new TokenizedSequence(ids.ToArray(), starts.ToArray(), lengths.ToArray());
    }

    public string Decode(ReadOnlySpan<long> ids)
    {
        var text = new StringBuilder();
        foreach (var id in ids)
        {
            if (id == Pad) break;
            if (id is Cls or Eos or Bos) continue;
            text.Append(id >= FirstKmer && id < _firstSingle ? KmerAlphabet.Text((int)id - FirstKmer, _k)
                : id >= _firstSingle && id < VocabularySize ? Singles[(int)id - _firstSingle]
                : 'N');
        }
        return text.ToString();
    }
}
