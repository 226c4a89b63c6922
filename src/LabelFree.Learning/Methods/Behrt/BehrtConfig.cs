using LabelFree.Core.Errors;
using LabelFree.Data.Ehr;
using LabelFree.Learning.Nn;

namespace LabelFree.Learning.Methods.Behrt;

/// <summary>
/// BEHRT (Li et al., "BEHRT: Transformer for Electronic Health Records", Scientific Reports 2020; reference
/// deepmedicine/BEHRT, model/MLM.py and task/MLM.ipynb): a BERT encoder over a patient's visits.
/// <list type="bullet">
/// <item>Input (<see cref="BehrtSequence"/>): <c>[CLS]</c>, then each visit's codes followed by <c>[SEP]</c>; the most
/// recent visits are kept when the history is longer than <see cref="MaxLength"/>.</item>
/// <item>Embedding (the reference's BertEmbeddings): token + age (months; the reference's age vocabulary with mon=1,
/// up to 110 years) + segment (0/1 alternating per visit) + position, where the position is the visit's number and
/// its vector a fixed sinusoid; the sum goes through LayerNorm (eps 1e-12) and dropout.</item>
/// <item>Encoder: BERT's post-norm blocks (pytorch_pretrained_bert's BertEncoder): GELU MLP, dropout 0.1 on hidden
/// states and attention, weights drawn from N(0, 0.02), biases zero.</item>
/// <item>Pre-training: masked language modelling, 15% of tokens chosen, 80% [MASK], 10% a random token, 10% kept, the
/// MLM head tied to the token embedding; AdamW with weight decay 0.01 except biases and LayerNorms.</item>
/// <item>Sizes: <see cref="Paper"/> gives the published ones (hidden 288, 6 layers, 12 heads, intermediate 512); the
/// defaults are a small model for 2 CPU cores (hidden 96, 2 layers, 4 heads, intermediate 192).</item>
/// </list>
/// <para>Deviations from the reference:</para>
/// <list type="bullet">
/// <item>A sex token (<c>sex:F</c>) follows [CLS] (segment 0, position 0): BEHRT saw no sex, but the baselines do, and
/// the patients table always has it.</item>
/// <item>Truncation keeps whole visits (the reference cuts the oldest tokens, possibly mid-visit, and turns a leading
/// [SEP] into [CLS]).</item>
/// <item>The visit-position table is Vaswani et al.'s sinusoid (channel pairs share a frequency 10000^(-2i/H)). The
/// reference builds its table with exponent 2·channel/H, and pytorch_pretrained_bert's init_bert_weights then overwrites
/// that frozen table with N(0, 0.02) noise; the paper describes a pre-determined (sinusoidal) encoding.</item>
/// <item>Masking never chooses or inserts [PAD], [UNK], [CLS], [SEP] or [MASK] (the reference masks any token, [SEP]
/// included, and draws replacements from the whole vocabulary), and segments and positions come from the unmasked sentence.</item>
/// <item>Numeric values become quantile-binned tokens per code (<see cref="EhrVocabulary"/>); BEHRT used diagnoses only.</item>
/// </list>
/// </summary>
public sealed record BehrtConfig : IMethodConfig<BehrtConfig>
{
    /// <summary>The reference's age vocabulary: 110 years in months.</summary>
    public const int ReferenceMaxAgeMonths = 110 * 12;

    public EhrVocabulary Vocabulary { get; init; } = new([.. EhrVocabulary.SpecialTokens], []);
    public int Hidden { get; init; } = 96;
    public int Layers { get; init; } = 2;
    public int Heads { get; init; } = 4;
    public int Intermediate { get; init; } = 192;
    public double Dropout { get; init; } = 0.1;
    public double AttentionDropout { get; init; } = 0.1;

    /// <summary>Most tokens per patient ([CLS], sex, visits and their [SEP]s); the reference pre-trained with 64.</summary>
    public int MaxLength { get; init; } = 64;

    /// <summary>Ages above this many months share the last age embedding.</summary>
    public int MaxAgeMonths { get; init; } = ReferenceMaxAgeMonths;

    /// <summary>BEHRT's published sizes: hidden 288, 6 layers, 12 heads, intermediate 512, dropout 0.1, 64 tokens.</summary>
    public static BehrtConfig Paper(EhrVocabulary vocabulary) => new()
    {
        Vocabulary = vocabulary,
        Hidden = 288,
        Layers = 6,
        Heads = 12,
        Intermediate = 512,
        Dropout = 0.1,
        AttentionDropout = 0.1,
        MaxLength = 64,
    };

    public BehrtConfig Validate()
    {
        if (Vocabulary.Size <= EhrVocabulary.SpecialTokens.Length)
            throw new UserInputException($"behrt vocabulary: expected codes beyond the {EhrVocabulary.SpecialTokens.Length} special tokens, got {Vocabulary.Size} tokens");
        if (!Vocabulary.Tokens.Take(EhrVocabulary.SpecialTokens.Length).SequenceEqual(EhrVocabulary.SpecialTokens))
            throw new UserInputException($"behrt vocabulary: expected the special tokens {string.Join(" ", EhrVocabulary.SpecialTokens)} first");
        if (MaxLength < 3) throw new SettingException("max_length", $"expected at least 3 tokens ([CLS], sex and one visit), got {MaxLength}");
        if (MaxAgeMonths < 1) throw new SettingException("max_age_months", $"expected a positive number, got {MaxAgeMonths}");
        Encoder().Validate();
        return this;
    }

    /// <summary>The shared encoder's config: BERT's post-norm stack with age and segment tables and sinusoidal visit positions.</summary>
    public TransformerConfig Encoder() => new()
    {
        VocabularySize = Vocabulary.Size,
        Layers = Layers,
        Hidden = Hidden,
        Heads = Heads,
        Intermediate = Intermediate,
        MaxPositions = MaxLength,  // a sentence of MaxLength tokens numbers fewer visits
        Norm = NormPlacement.Post,
        FeedForward = FeedForwardKind.Gelu,
        Positions = PositionEncoding.Sinusoidal,
        ExtraEmbeddings = [new ExtraEmbedding("age", MaxAgeMonths + 2), new ExtraEmbedding("segment", 2)],
        EmbeddingLayerNorm = true,
        PaddingId = EhrVocabulary.Pad,
        Dropout = Dropout,
        AttentionDropout = AttentionDropout,
        LayerNormEps = 1e-12,
    };
}
