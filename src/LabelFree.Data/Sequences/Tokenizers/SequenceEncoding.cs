using System.Text;
using LabelFree.Core.Errors;

namespace LabelFree.Data.Sequences.Tokenizers;

/// <summary>Batch encoding for any <see cref="ISequenceTokenizer"/>: truncation, padding and the attention mask.</summary>
public static class SequenceEncoding
{
    public static TokenizedSequence Tokenize(this ISequenceTokenizer tokenizer, string bases) => tokenizer.Tokenize(Encoding.ASCII.GetBytes(bases));

    public static EncodedBatch Encode(this ISequenceTokenizer tokenizer, IReadOnlyList<string> sequences, int maxLength, bool padToMaxLength = false) =>
        tokenizer.Encode(sequences.Select(s => (ReadOnlyMemory<byte>)Encoding.ASCII.GetBytes(s)).ToArray(), maxLength, padToMaxLength);

    /// <summary>
    /// Tokenizes each sequence, cuts tokens from the end of its body when it has more than <paramref name="maxLength"/>
    /// (leading [CLS] and a trailing end token stay), and pads with [PAD] to the longest row, or to
    /// <paramref name="maxLength"/> when <paramref name="padToMaxLength"/>.
    /// </summary>
    public static EncodedBatch Encode(this ISequenceTokenizer tokenizer, IReadOnlyList<ReadOnlyMemory<byte>> sequences, int maxLength, bool padToMaxLength = false)
    {
        var rows = sequences.Select(s => Truncate(tokenizer.Tokenize(s.Span).Ids, maxLength, tokenizer.Specials)).ToArray();
        var length = padToMaxLength ? maxLength : rows.Length == 0 ? 0 : rows.Max(r => r.Length);
        var ids = new long[rows.Length * length];
        var mask = new bool[rows.Length * length];
        Array.Fill(ids, tokenizer.Specials.Pad);
        for (var r = 0; r < rows.Length; r++)
            for (var t = 0; t < rows[r].Length; t++)
            {
                ids[r * length + t] = rows[r][t];
                mask[r * length + t] = true;
            }
        return new EncodedBatch(ids, mask, rows.Select(r => r.Length).ToArray(), rows.Length, length);
    }

    /// <summary>The ids cut to <paramref name="maxLength"/> by dropping body tokens from the end, keeping the leading [CLS] and a trailing end token.</summary>
    public static int[] Truncate(int[] ids, int maxLength, SpecialTokens specials)
    {
        var prefix = ids.Length > 0 && ids[0] == specials.Cls ? 1 : 0;
        var suffix = ids.Length > prefix && ids[^1] == specials.End ? 1 : 0;
        if (maxLength < prefix + suffix + 1)
            throw new UserInputException($"max length: expected at least {prefix + suffix + 1} tokens (special tokens and one more), got {maxLength}");
        if (ids.Length <= maxLength) return ids;
        var kept = new int[maxLength];
        Array.Copy(ids, kept, maxLength - suffix);
        if (suffix == 1) kept[^1] = ids[^1];
        return kept;
    }
}
