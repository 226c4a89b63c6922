using System.Text.Json.Serialization;
using LabelFree.Core.Errors;

namespace LabelFree.Learning.Nn;

/// <summary>Where each block's LayerNorms sit: after the residual sum (BERT, DNABERT) or before each sublayer (GPT-2, ESM, NT).</summary>
public enum NormPlacement
{
    Post,
    Pre,
}

/// <summary>The block's MLP: Linear-GELU-Linear (BERT), or SwiGLU, silu(x W1) * (x W2) then W3 (Shazeer 2020; NT v2).</summary>
public enum FeedForwardKind
{
    Gelu,
    SwiGlu,
}

/// <summary>How token order enters: a learned table (BERT), fixed sinusoids (Vaswani et al. 2017), rotary q/k rotations (RoFormer; NT v2), or not at all.</summary>
public enum PositionEncoding
{
    Learned,
    Sinusoidal,
    Rotary,
    None,
}

/// <summary>An extra embedding table summed into the input (BEHRT's age and segment, a signal's channel id, ...).</summary>
public sealed record ExtraEmbedding(string Name, int Size);

/// <summary>
/// A transformer encoder (<see cref="TransformerEncoder"/>): the embedding front, the block stack and its options.
/// Defaults are <see cref="Small"/>; <see cref="DnabertBase"/> and <see cref="NucleotideTransformerV2_50M"/> give the
/// published architectures. <see cref="VocabularySize"/> 0 means no token table: the caller passes input embeddings
/// (ViT patches, signal windows).
/// </summary>
public sealed record TransformerConfig
{
    public int VocabularySize { get; init; }
    public int Layers { get; init; } = 4;
    public int Hidden { get; init; } = 128;
    public int Heads { get; init; } = 4;
    /// <summary>The MLP's inner width (for SwiGLU, the width of the gated product).</summary>
    public int Intermediate { get; init; } = 512;
    /// <summary>Longest sequence a learned or sinusoidal table covers (rotary has no limit; it is kept for the caller's truncation).</summary>
    public int MaxPositions { get; init; } = 512;
    public NormPlacement Norm { get; init; } = NormPlacement.Pre;
    public FeedForwardKind FeedForward { get; init; } = FeedForwardKind.Gelu;
    public PositionEncoding Positions { get; init; } = PositionEncoding.Learned;
    public ExtraEmbedding[] ExtraEmbeddings { get; init; } = [];
    /// <summary>LayerNorm on the summed input embeddings (BERT has it; pre-norm stacks usually do not).</summary>
    public bool EmbeddingLayerNorm { get; init; }
    /// <summary>The token whose embedding stays zero and gets no gradient (padding), or null.</summary>
    public int? PaddingId { get; init; }
    public double Dropout { get; init; } = 0.1;
    public double AttentionDropout { get; init; } = 0.1;
    public double LayerNormEps { get; init; } = 1e-5;
    public bool FeedForwardBias { get; init; } = true;
    public double RotaryBase { get; init; } = 10_000;
    /// <summary>Standard deviation of the normal initialisation of every linear and embedding weight (BERT's initializer_range).</summary>
    public double InitializerRange { get; init; } = 0.02;

    [JsonIgnore]
    public int HeadSize => Hidden / Heads;

    /// <summary>
    /// A small model that trains usefully on two CPU cores in minutes: 4 pre-norm layers of width 128, 4 heads, GELU
    /// MLP of 512, learned positions up to 512 tokens, dropout 0.1.
    /// </summary>
    public static TransformerConfig Small(int vocabularySize, int? paddingId = null) =>
        new TransformerConfig { VocabularySize = vocabularySize, PaddingId = paddingId }.Validate();

    /// <summary>
    /// DNABERT (Ji et al. 2021; the reference's dnabert-config/bert-config-k/config.json): BERT-base, 12 post-norm
    /// layers of 768 with 12 heads, GELU MLP of 3072, 512 learned positions, LayerNorm on the embeddings, dropout 0.1
    /// on hidden states and attention, LayerNorm eps 1e-12, padding id 0 ([PAD]). BERT's token-type embedding is left
    /// out: pre-training always uses type 0, a constant vector that the position table absorbs.
    /// </summary>
    public static TransformerConfig DnabertBase(int vocabularySize = 4101) => new TransformerConfig
    {
        VocabularySize = vocabularySize,
        Layers = 12,
        Hidden = 768,
        Heads = 12,
        Intermediate = 3072,
        MaxPositions = 512,
        Norm = NormPlacement.Post,
        FeedForward = FeedForwardKind.Gelu,
        Positions = PositionEncoding.Learned,
        EmbeddingLayerNorm = true,
        PaddingId = 0,
        LayerNormEps = 1e-12,
    }.Validate();

    /// <summary>
    /// Nucleotide Transformer v2 50M (Dalla-Torre et al. 2024; InstaDeepAI/nucleotide-transformer-v2-50m-multi-species
    /// config.json): 12 pre-norm layers of 512 with 16 heads (head size 32), SwiGLU MLP of 2048 without biases, rotary
    /// positions (base 10,000) on up to 2,048 tokens, no embedding LayerNorm, no dropout, LayerNorm eps 1e-12, padding
    /// id 1 (&lt;pad&gt;). With its 4,107-token vocabulary and the final LayerNorm this is 50.4M parameters in the
    /// stack and 52.5M with the token table.
    /// </summary>
    public static TransformerConfig NucleotideTransformerV2_50M(int vocabularySize = 4107) => new TransformerConfig
    {
        VocabularySize = vocabularySize,
        Layers = 12,
        Hidden = 512,
        Heads = 16,
        Intermediate = 2048,
        MaxPositions = 2048,
        Norm = NormPlacement.Pre,
        FeedForward = FeedForwardKind.SwiGlu,
        Positions = PositionEncoding.Rotary,
        EmbeddingLayerNorm = false,
        PaddingId = 1,
        Dropout = 0,
        AttentionDropout = 0,
        LayerNormEps = 1e-12,
        FeedForwardBias = false,
    }.Validate();

    public TransformerConfig Validate()
    {
        if (VocabularySize < 0) throw new UserInputException($"transformer vocabulary_size: expected 0 (no token table) or more, got {VocabularySize}");
        if (Layers < 1) throw new UserInputException($"transformer layers: expected at least 1, got {Layers}");
        if (Hidden < 1 || Heads < 1 || Hidden % Heads != 0)
            throw new UserInputException($"transformer hidden/heads: hidden must be a positive multiple of heads, got hidden {Hidden} and {Heads} heads");
        if (Positions == PositionEncoding.Rotary && HeadSize % 2 != 0)
            throw new UserInputException($"transformer positions: rotary needs an even head size, got {HeadSize} (hidden {Hidden} / {Heads} heads)");
        if (Intermediate < 1) throw new UserInputException($"transformer intermediate: expected at least 1, got {Intermediate}");
        if (MaxPositions < 1) throw new UserInputException($"transformer max_positions: expected at least 1, got {MaxPositions}");
        if (Dropout is < 0 or >= 1) throw new UserInputException($"transformer dropout: expected a number in [0, 1), got {Dropout}");
        if (AttentionDropout is < 0 or >= 1) throw new UserInputException($"transformer attention_dropout: expected a number in [0, 1), got {AttentionDropout}");
        if (LayerNormEps <= 0) throw new UserInputException($"transformer layer_norm_eps: expected a positive number, got {LayerNormEps}");
        if (RotaryBase <= 1) throw new UserInputException($"transformer rotary_base: expected a number above 1, got {RotaryBase}");
        if (InitializerRange <= 0) throw new UserInputException($"transformer initializer_range: expected a positive number, got {InitializerRange}");
        if (PaddingId is { } pad && (VocabularySize == 0 || pad < 0 || pad >= VocabularySize))
            throw new UserInputException($"transformer padding_id: expected a token id below the vocabulary size {VocabularySize}, got {pad}");
        foreach (var extra in ExtraEmbeddings)
            if (extra.Size < 1 || string.IsNullOrWhiteSpace(extra.Name))
                throw new UserInputException($"transformer extra_embeddings: '{extra.Name}' needs a name and at least 1 entry, got {extra.Size}");
        if (ExtraEmbeddings.Select(e => e.Name).Distinct().Count() != ExtraEmbeddings.Length)
            throw new UserInputException($"transformer extra_embeddings: names must be unique, got {string.Join(", ", ExtraEmbeddings.Select(e => e.Name))}");
        return this;
    }

    public bool Equals(TransformerConfig? other) =>
        other is not null && VocabularySize == other.VocabularySize && Layers == other.Layers && Hidden == other.Hidden && Heads == other.Heads
        && Intermediate == other.Intermediate && MaxPositions == other.MaxPositions && Norm == other.Norm && FeedForward == other.FeedForward
        && Positions == other.Positions && ExtraEmbeddings.SequenceEqual(other.ExtraEmbeddings) && EmbeddingLayerNorm == other.EmbeddingLayerNorm
        && PaddingId == other.PaddingId && Dropout == other.Dropout && AttentionDropout == other.AttentionDropout && LayerNormEps == other.LayerNormEps
        && FeedForwardBias == other.FeedForwardBias && RotaryBase == other.RotaryBase && InitializerRange == other.InitializerRange;

    public override int GetHashCode() => HashCode.Combine(VocabularySize, Layers, Hidden, Heads, Intermediate, Norm, FeedForward, Positions);
}
