using LabelFree.Core.Randomness;
using LabelFree.Core.Training;
using LabelFree.Data.Sequences;
using LabelFree.Data.Sequences.Tokenizers;
using LabelFree.Learning.Objectives;
using static TorchSharp.torch;

namespace LabelFree.Learning.Methods.DnaLanguageModel;

/// <summary>Masked token ids (B, T) int64, the attention mask (B, T) bool, and the labels (B, T): the original id where a token was chosen, -100 elsewhere.</summary>
public sealed record MaskedDnaBatch(Tensor Ids, Tensor AttentionMask, Tensor Labels);

/// <summary>Token ids (B, T) int64, the attention mask (B, T) bool, and each sequence's class (B) int64.</summary>
public sealed record LabelledDnaBatch(Tensor Ids, Tensor AttentionMask, Tensor Classes);

/// <summary>Sequences to token tensors, padded to the longest row and cut to the model's maximum (<see cref="SequenceEncoding.Encode(ISequenceTokenizer, IReadOnlyList{ReadOnlyMemory{byte}}, int, bool)"/>).</summary>
internal static class DnaTokens
{
    public static (Tensor Ids, Tensor AttentionMask) Encode(ISequenceTokenizer tokenizer, IReadOnlyList<ReadOnlyMemory<byte>> sequences, int maxTokens, Device device)
    {
        var encoded = tokenizer.Encode(sequences, maxTokens);
        return ToTensors(encoded.Ids, encoded, device);
    }

    public static (Tensor Ids, Tensor AttentionMask) ToTensors(long[] ids, EncodedBatch encoded, Device device) =>
        (tensor(ids, [encoded.Count, encoded.Length]).to(device),                                    // (B, T)
         tensor(encoded.AttentionMask, [encoded.Count, encoded.Length]).to(device));                 // (B, T)
}

/// <summary>
/// Masked-language-model batches from bases: tokenize, pad, then DNABERT's span masking or BERT's token masking from
/// the given random stream (so a training step's masks are fixed by the step).
/// </summary>
public sealed class DnaMasker
{
    private readonly DnaLanguageModelConfig _config;
    private readonly ISequenceTokenizer _tokenizer;
    private readonly TokenMaskingOptions _masking;
    private readonly Device _device;

    public DnaMasker(DnaLanguageModelConfig config, Device device)
    {
        _config = config;
        _tokenizer = config.Tokenizer.Create();
        _masking = TokenMaskingOptions.For(_tokenizer, config.MaskProbability);
        _device = device;
    }

    public MaskedDnaBatch Mask(IReadOnlyList<ReadOnlyMemory<byte>> sequences, Rng rng)
    {
        var encoded = _tokenizer.Encode(sequences, _config.MaxTokens);
        var masked = _config.Masking == DnaMasking.KmerSpans
            ? TokenMasking.KmerSpans(encoded.Ids, encoded.Length, _config.Tokenizer.K, _masking, rng)
            : TokenMasking.Bert(encoded.Ids, _masking, rng);
        var (ids, attention) = DnaTokens.ToTensors(masked.Inputs, encoded, _device);
        return new MaskedDnaBatch(ids, attention, tensor(masked.Labels, [encoded.Count, encoded.Length]).to(_device));
    }
}

/// <summary>
/// Pre-training data: windows of <paramref name="windowBases"/> drawn uniformly over every start position of the
/// records (<see cref="SequenceWindows.Sample(IReadOnlyList{SequenceRecord}, int, int, Rng, double)"/>; windows with
/// more than 10% unknown bases are drawn again), each reverse-complemented with probability one half, then masked; all
/// from the step's random stream.
/// </summary>
public sealed class DnaWindowStream(IReadOnlyList<SequenceRecord> records, int windowBases, DnaMasker masker, bool reverseComplement = true) : IBatchStream<MaskedDnaBatch>
{
    public const double MaxUnknownFraction = 0.1;

    public MaskedDnaBatch Next(int batchSize, Rng rng)
    {
        var windows = SequenceWindows.Sample(records, windowBases, batchSize, rng, MaxUnknownFraction);
        var sequences = new ReadOnlyMemory<byte>[windows.Length];
        for (var i = 0; i < windows.Length; i++)
        {
            var bases = windows[i].Memory(records);
            sequences[i] = reverseComplement && rng.NextDouble() < 0.5 ? ReverseComplement.Of(bases.Span) : bases;
        }
        return masker.Mask(sequences, rng);
    }
}

/// <summary>Fixed sequences (held-out windows) as masked batches; the masks come from the stream the Trainer passes (the same at every validation).</summary>
public sealed class MaskedDnaSequences(IReadOnlyList<ReadOnlyMemory<byte>> sequences, DnaMasker masker) : IBatchSource<MaskedDnaBatch>
{
    public int Count => sequences.Count;

    public MaskedDnaBatch Load(ReadOnlySpan<int> indices, Rng rng)
    {
        var chosen = new ReadOnlyMemory<byte>[indices.Length];
        for (var i = 0; i < indices.Length; i++) chosen[i] = sequences[indices[i]];
        return masker.Mask(chosen, rng);
    }
}

/// <summary>Labelled sequences as classification batches.</summary>
public sealed class LabelledDnaSequences(IReadOnlyList<ReadOnlyMemory<byte>> sequences, IReadOnlyList<int> classes, ISequenceTokenizer tokenizer, int maxTokens,
    Device device) : IBatchSource<LabelledDnaBatch>
{
    public int Count => sequences.Count;

    public LabelledDnaBatch Load(ReadOnlySpan<int> indices, Rng rng)
    {
        var chosen = new ReadOnlyMemory<byte>[indices.Length];
        var labels = new long[indices.Length];
        for (var i = 0; i < indices.Length; i++)
        {
            chosen[i] = sequences[indices[i]];
            labels[i] = classes[indices[i]];
        }
        var (ids, attention) = DnaTokens.Encode(tokenizer, chosen, maxTokens, device);
        return new LabelledDnaBatch(ids, attention, tensor(labels).to(device));
    }
}
