using System.Text.Json.Serialization;
using LabelFree.Core.Errors;
using LabelFree.Data.Sequences.Tokenizers;
using LabelFree.Learning.Nn;

namespace LabelFree.Learning.Methods.DnaLanguageModel;

/// <summary>How pre-training corrupts tokens (<see cref="Objectives.TokenMasking"/>).</summary>
public enum DnaMasking
{
    /// <summary>DNABERT: span centres drawn with <see cref="DnaLanguageModelConfig.MaskProbability"/>, each widened to k tokens.</summary>
    KmerSpans,

    /// <summary>BERT and the Nucleotide Transformer: each token chosen with <see cref="DnaLanguageModelConfig.MaskProbability"/>.</summary>
    Bert,
}

/// <summary>Which published DNA language model: DNABERT (overlapping k-mers) or the Nucleotide Transformer (non-overlapping 6-mers).</summary>
public enum DnaMethod
{
    Dnabert,
    Nt,
}

/// <summary>The size of a DNA language model: one that trains on two CPU cores in minutes, or the published one.</summary>
public enum DnaModelSize
{
    Small,
    Base,
}

/// <summary>
/// A DNA language model pre-trained by masking: DNABERT (Ji et al., Bioinformatics 2021; jerryji1993/DNABERT) or the
/// Nucleotide Transformer (Dalla-Torre et al., Nature Methods 2024; instadeepai/nucleotide-transformer). The encoder
/// and the tokenizer are saved with the model, so a model folder rebuilds both.
/// <list type="bullet">
/// <item><see cref="Dnabert"/>: overlapping k-mers (k 3-6, [CLS] k-mers [SEP]), BERT's post-norm encoder with an
/// embedding LayerNorm, an MLM head whose decoder is tied to the token embedding, span masking (centres at 2.5%, each
/// widened to k tokens, 80/10/10). Base size: BERT-base (12 x 768, 12 heads, 3,072, 512 positions).</item>
/// <item><see cref="NucleotideTransformer"/>: non-overlapping 6-mers with single-nucleotide tokens for N and leftovers,
/// &lt;cls&gt; first; a pre-norm encoder with rotary positions and a bias-free SwiGLU MLP, no dropout; an untied MLM
/// head; BERT masking of 15% of the tokens (80/10/10). Base size: NT v2 50M (12 x 512, 16 heads, 2,048, up to 2,048
/// tokens).</item>
/// </list>
/// <para>Deviations from the references:</para>
/// <list type="bullet">
/// <item>The default size is <see cref="DnaModelSize.Small"/>: the same family (norm placement, MLP, positions,
/// embedding norm, tying) at 4 layers of 128 with 4 heads and an MLP of 512, so that pre-training is useful on two CPU
/// cores in minutes; <see cref="DnaModelSize.Base"/> gives the published sizes. The small NT keeps 512 positions.</item>
/// <item>BERT's token-type embedding and pooler are left out of the language model (pre-training uses neither); the
/// fine-tuned classifier (<see cref="DnaClassifierConfig"/>) adds the pooler.</item>
/// <item>Masking draws random replacements from ordinary tokens only, and a DNABERT span never covers [UNK]
/// (<see cref="Objectives.TokenMasking"/>).</item>
/// <item>Training data: fixed-length windows drawn uniformly over every start position of the training records, each
/// reverse-complemented with probability 1/2 (<see cref="DnaWindowStream"/>). DNABERT cut the genome into pieces of
/// 5 to 510 bases and the NT into 6-kb windows; neither augments with the reverse complement.</item>
/// <item>Optimiser: the references' AdamW (0.9, 0.98), eps 1e-6, weight decay 0.01 without biases and norms, warm-up
/// then linear decay; LabelFree's default batch is 16 windows with a learning rate of 1e-3 for the small size
/// (DNABERT: 250 sequences, 4e-4, 10,000 warm-up steps of 200,000), warm-up over 5% of the steps, gradients clipped at 1.</item>
/// <item>Held-out loss is reported in bits per hidden nucleotide on bases (<see cref="MaskedSpans"/>), which the
/// references do not report; their MLM loss is per token (perplexity).</item>
/// </list>
/// </summary>
public sealed record DnaLanguageModelConfig : IMethodConfig<DnaLanguageModelConfig>
{
    public required TransformerConfig Encoder { get; init; }

    public required TokenizerSpec Tokenizer { get; init; }

    public DnaMasking Masking { get; init; } = DnaMasking.KmerSpans;

    /// <summary>The chance that a token is chosen (BERT) or becomes a span centre (DNABERT).</summary>
    public double MaskProbability { get; init; } = 0.025;

    /// <summary>Whether the MLM head's decoder is the token embedding (BERT, DNABERT) or its own matrix (NT v2).</summary>
    public bool TiedDecoder { get; init; } = true;

    /// <summary>Tokens per sequence the encoder takes, [CLS] and the end token included (its position table's length).</summary>
    [JsonIgnore]
    public int MaxTokens => Encoder.MaxPositions;

    /// <summary>The published configuration of <paramref name="method"/> (<paramref name="k"/> applies to DNABERT; the NT uses 6-mers).</summary>
    public static DnaLanguageModelConfig For(DnaMethod method, int k = 6, DnaModelSize size = DnaModelSize.Small) =>
        method == DnaMethod.Dnabert ? Dnabert(k, size) : NucleotideTransformer(size);

    /// <summary>The most bases a window can have and still fit <see cref="MaxTokens"/> when it is all A, C, G, T.</summary>
    [JsonIgnore]
    public int MaxWindowBases => WindowBases(Tokenizer, MaxTokens);

    /// <summary>The most bases of A, C, G, T that <paramref name="maxTokens"/> tokens of <paramref name="tokenizer"/> hold, specials included.</summary>
    public static int WindowBases(TokenizerSpec tokenizer, int maxTokens)
    {
        var body = maxTokens - (tokenizer.AppendsEnd ? 2 : 1);
        return tokenizer.Kind == TokenizerKind.DnabertKmer ? body + tokenizer.K - 1 : body * tokenizer.K;
    }

    /// <summary>DNABERT with k-mers of <paramref name="k"/> (3 to 6).</summary>
    public static DnaLanguageModelConfig Dnabert(int k = 6, DnaModelSize size = DnaModelSize.Small)
    {
        var tokenizer = TokenizerSpec.Dnabert(k);
        var vocabulary = tokenizer.Create().VocabularySize;
        var encoder = TransformerConfig.DnabertBase(vocabulary);
        if (size == DnaModelSize.Small) encoder = Shrink(encoder);
        return new DnaLanguageModelConfig { Encoder = encoder, Tokenizer = tokenizer, Masking = DnaMasking.KmerSpans, MaskProbability = 0.025, TiedDecoder = true }.Validate();
    }

    /// <summary>The Nucleotide Transformer v2 with 6-mers.</summary>
    public static DnaLanguageModelConfig NucleotideTransformer(DnaModelSize size = DnaModelSize.Small)
    {
        var tokenizer = TokenizerSpec.NucleotideTransformer();
        var vocabulary = tokenizer.Create().VocabularySize;
        var encoder = TransformerConfig.NucleotideTransformerV2_50M(vocabulary);
        if (size == DnaModelSize.Small) encoder = Shrink(encoder) with { MaxPositions = 512 };
        return new DnaLanguageModelConfig { Encoder = encoder, Tokenizer = tokenizer, Masking = DnaMasking.Bert, MaskProbability = 0.15, TiedDecoder = false }.Validate();
    }

    public DnaLanguageModelConfig Validate()
    {
        Encoder.Validate();
        Tokenizer.Validate();
        var tokenizer = Tokenizer.Create();
        if (Encoder.VocabularySize != tokenizer.VocabularySize)
            throw new UserInputException($"dna model encoder.vocabulary_size: {Encoder.VocabularySize}, but the {Tokenizer.Kind} tokenizer (k = {Tokenizer.K}) has {tokenizer.VocabularySize} tokens");
        if (Encoder.PaddingId != tokenizer.Specials.Pad)
            throw new UserInputException($"dna model encoder.padding_id: {Encoder.PaddingId}, but the tokenizer pads with {tokenizer.Specials.Pad}");
        if (Encoder.MaxPositions < 3) throw new UserInputException($"dna model encoder.max_positions: expected at least 3 tokens, got {Encoder.MaxPositions}");
        if (!Enum.IsDefined(Masking)) throw new UserInputException($"dna model masking: unknown kind {(int)Masking}");
        if (MaskProbability is <= 0 or >= 1) throw new UserInputException($"dna model mask_probability: expected a number in (0, 1), got {MaskProbability}");
        return this;
    }

    /// <summary>The published family at the small size: 4 layers of 128, 4 heads, MLP 512.</summary>
    private static TransformerConfig Shrink(TransformerConfig published) =>
        (published with { Layers = 4, Hidden = 128, Heads = 4, Intermediate = 512 }).Validate();
}
