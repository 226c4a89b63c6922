namespace LabelFree.Data.Sequences.Tokenizers;

/// <summary>
/// The ids of a tokenizer's special tokens. <see cref="End"/> is the token that closes a sequence ([SEP] in DNABERT,
/// &lt;eos&gt; in the Nucleotide Transformer); <see cref="All"/> lists every special id (never masked, never predicted).
/// </summary>
public sealed record SpecialTokens(int Pad, int Unknown, int Cls, int Mask, int End, int[] All);

/// <summary>
/// One tokenized sequence: token ids with the bases each covers, [Starts[i], Starts[i] + Lengths[i]) of the input;
/// special tokens ([CLS], the end token) have start -1 and length 0.
/// </summary>
public sealed record TokenizedSequence(int[] Ids, int[] Starts, int[] Lengths)
{
    public int Count => Ids.Length;
}

/// <summary>
/// Token ids of a batch, padded: <see cref="Ids"/> and <see cref="AttentionMask"/> are row-major (Count, Length);
/// the mask is true at real tokens (specials included) and false at padding. <see cref="TokenCounts"/>[i] is the
/// number of real tokens of row i, which come first in the row.
/// </summary>
public sealed record EncodedBatch(long[] Ids, bool[] AttentionMask, int[] TokenCounts, int Count, int Length)
{
    /// <summary>Row <paramref name="row"/>'s ids, padding included.</summary>
    public ReadOnlySpan<long> Row(int row) => Ids.AsSpan(row * Length, Length);
}

/// <summary>
/// A DNA tokenizer: bases in (upper or lower case; see <see cref="NucleotideCodes"/>), token ids out, with the
/// vocabulary's special tokens and a <see cref="TokenizerSpec"/> that rebuilds it (saved with a model).
/// </summary>
public interface ISequenceTokenizer
{
    TokenizerSpec Spec { get; }

    int VocabularySize { get; }

    SpecialTokens Specials { get; }

    /// <summary>The text of token <paramref name="id"/>, as in the reference vocabulary file.</summary>
    string TokenOf(int id);

    /// <summary>The id of <paramref name="token"/>, or -1 when the vocabulary has no such token.</summary>
    int IdOf(string token);

    /// <summary>The tokens of one sequence, with the leading [CLS] (and trailing end token, if the tokenizer adds one); no padding, no truncation.</summary>
    TokenizedSequence Tokenize(ReadOnlySpan<byte> bases);

    /// <summary>
    /// The bases that <paramref name="ids"/> spell, stopping at the first padding; special tokens are skipped. Lossy
    /// where a token stands for unknown bases ([UNK], [MASK]): those bases come back as N.
    /// </summary>
    string Decode(ReadOnlySpan<long> ids);
}
