using LabelFree.Core.Errors;
using LabelFree.Core.Randomness;
using LabelFree.Data.Sequences.Tokenizers;
using static TorchSharp.torch;

namespace LabelFree.Learning.Objectives;

/// <summary>
/// Settings of masked-language-model corruption. <see cref="Probability"/> is the chance that an eligible token is
/// chosen (BERT, 0.15) or becomes a span centre (DNABERT, 0.025). A chosen token becomes [MASK] with
/// <see cref="MaskFraction"/>, a random ordinary token with <see cref="RandomFraction"/>, and stays otherwise.
/// <see cref="SpecialIds"/> (padding, [CLS], [SEP], [UNK], [MASK], ...) are never chosen and never drawn as random tokens.
/// </summary>
public sealed record TokenMaskingOptions
{
    public double Probability { get; init; } = 0.15;
    public double MaskFraction { get; init; } = 0.8;
    public double RandomFraction { get; init; } = 0.1;
    public required int MaskId { get; init; }
    public required int VocabularySize { get; init; }
    public required int[] SpecialIds { get; init; }

    /// <summary>BERT's 15% with 80/10/10 for a tokenizer's vocabulary.</summary>
    public static TokenMaskingOptions For(ISequenceTokenizer tokenizer, double probability = 0.15) => new TokenMaskingOptions
    {
        Probability = probability,
        MaskId = tokenizer.Specials.Mask,
        VocabularySize = tokenizer.VocabularySize,
        SpecialIds = tokenizer.Specials.All,
    }.Validate();

    public TokenMaskingOptions Validate()
    {
        if (Probability is <= 0 or > 1) throw new UserInputException($"masking probability: expected a number in (0, 1], got {Probability}");
        if (MaskFraction < 0 || RandomFraction < 0 || MaskFraction + RandomFraction > 1)
            throw new UserInputException($"masking fractions: [MASK] {MaskFraction} and random {RandomFraction} must be non-negative and sum to at most 1");
        if (MaskId < 0 || MaskId >= VocabularySize) throw new UserInputException($"masking mask_id: {MaskId} is outside the vocabulary of {VocabularySize}");
        if (SpecialIds.Distinct().Count(id => id >= 0 && id < VocabularySize) >= VocabularySize)
            throw new UserInputException("masking special_ids: every token is special, nothing is left to predict");
        return this;
    }
}

/// <summary>Corrupted inputs and the labels to predict, both row-major like the ids: labels hold the original id where a token was chosen and -100 elsewhere.</summary>
public sealed record MaskedTokens(long[] Inputs, long[] Labels);

/// <summary>
/// Masked-language-model corruption as pure functions of the ids and a random stream (pass
/// <c>Rng.For(seed, "mlm-mask", step)</c>), so a step's masks do not depend on LibTorch's generator.
/// <list type="bullet">
/// <item><c>Bert</c>: each eligible token chosen with probability p (Devlin et al. 2019).</item>
/// <item><c>KmerSpans</c>: DNABERT's pre-training (reference run_pretrain.py): centres chosen with probability
/// p (0.025 in the reference's command), each widened to k contiguous tokens, offsets -(⌈k/2⌉-1) .. ⌊k/2⌋ (the
/// reference's MASK_LIST for k = 3..6), clipped to the row's ordinary tokens, so about 1 - (1 - p)^k of them (14% for
/// k = 6) are chosen; an overlapping k-mer can then not be read off its neighbours.</item>
/// </list>
/// Deviations from the references: random replacements are drawn from ordinary tokens only (the references draw from
/// the whole vocabulary, specials included), and a span never covers an [UNK] token (DNABERT's can).
/// </summary>
public static class TokenMasking
{
    public const long Ignore = -100;

    public static MaskedTokens Bert(ReadOnlySpan<long> ids, TokenMaskingOptions options, Rng rng)
    {
        var special = SpecialSet(options);
        var chosen = new bool[ids.Length];
        for (var i = 0; i < ids.Length; i++)
            chosen[i] = !special.Contains(ids[i]) && rng.NextDouble() < options.Probability;
        return Corrupt(ids, chosen, options, special, rng);
    }

    /// <param name="rowLength">The length T of each row of the (B, T) ids; spans never cross rows.</param>
    /// <param name="k">The k-mer size: each centre covers k tokens.</param>
    public static MaskedTokens KmerSpans(ReadOnlySpan<long> ids, int rowLength, int k, TokenMaskingOptions options, Rng rng)
    {
        if (rowLength < 1 || ids.Length % rowLength != 0) throw new ArgumentException($"{ids.Length} ids are not rows of {rowLength}", nameof(rowLength));
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        var special = SpecialSet(options);
        var chosen = new bool[ids.Length];
        var (before, after) = ((k + 1) / 2 - 1, k / 2);
        for (var row = 0; row < ids.Length; row += rowLength)
        {
            for (var i = row; i < row + rowLength; i++)
            {
                if (special.Contains(ids[i]) || rng.NextDouble() >= options.Probability) continue;
                for (var j = Math.Max(row, i - before); j <= Math.Min(row + rowLength - 1, i + after); j++)
                    if (!special.Contains(ids[j])) chosen[j] = true;
            }
        }
        return Corrupt(ids, chosen, options, special, rng);
    }

    /// <summary><c>Bert</c> on a (B, T) int64 tensor; both results are (B, T) int64 on its device.</summary>
    public static (Tensor Inputs, Tensor Labels) Bert(Tensor ids, TokenMaskingOptions options, Rng rng) =>
        ToTensors(Bert(Values(ids), options, rng), ids);

    /// <summary><c>KmerSpans</c> on a (B, T) int64 tensor; both results are (B, T) int64 on its device.</summary>
    public static (Tensor Inputs, Tensor Labels) KmerSpans(Tensor ids, int k, TokenMaskingOptions options, Rng rng) =>
        ToTensors(KmerSpans(Values(ids), (int)ids.shape[1], k, options, rng), ids);

    private static MaskedTokens Corrupt(ReadOnlySpan<long> ids, bool[] chosen, TokenMaskingOptions options, HashSet<long> special, Rng rng)
    {
        var ordinary = Enumerable.Range(0, options.VocabularySize).Where(id => !special.Contains(id)).ToArray();
        var inputs = ids.ToArray();
        var labels = new long[ids.Length];
        Array.Fill(labels, Ignore);
        for (var i = 0; i < ids.Length; i++)
        {
            if (!chosen[i]) continue;
            labels[i] = ids[i];
            var u = rng.NextDouble();
            if (u < options.MaskFraction) inputs[i] = options.MaskId;
            else if (u < options.MaskFraction + options.RandomFraction) inputs[i] = ordinary[rng.NextInt(ordinary.Length)];
        }
        return new MaskedTokens(inputs, labels);
    }

    private static HashSet<long> SpecialSet(TokenMaskingOptions options) => options.SpecialIds.Select(id => (long)id).ToHashSet();

    private static long[] Values(Tensor ids)
    {
        if (ids.dim() != 2 || ids.dtype != ScalarType.Int64) throw new ArgumentException($"expected (B, T) int64 token ids, got {ids.dtype} of shape ({string.Join(", ", ids.shape)})", nameof(ids));
        using var scope = NewDisposeScope();  // disposes a CPU copy, never the caller's tensor
        return ids.to(CPU).contiguous().data<long>().ToArray();
    }

    private static (Tensor Inputs, Tensor Labels) ToTensors(MaskedTokens masked, Tensor like) =>
        (tensor(masked.Inputs, like.shape).to(like.device), tensor(masked.Labels, like.shape).to(like.device));
}
