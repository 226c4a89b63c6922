using LabelFree.Core.Training;
using LabelFree.Data.Sequences.Tokenizers;
using LabelFree.Learning.Nn;
using static TorchSharp.torch;

namespace LabelFree.Learning.Methods.DnaLanguageModel;

/// <summary>Per-sequence embeddings from the encoder's last layer: the [CLS] token's state and the mean over the sequence's own tokens (specials and padding left out), each (sequences, hidden).</summary>
public sealed record SequenceEmbeddings(float[,] Cls, float[,] Mean);

/// <summary>What every DNA model (pre-trained or fine-tuned) offers: its tokenizer and encoder, embeddings and DNABERT's attention scores.</summary>
public interface IDnaEncoderModel : IMethodModel
{
    ISequenceTokenizer Tokenizer { get; }

    /// <summary>Tokens per sequence the encoder takes; longer sequences are cut at the end.</summary>
    int MaxTokens { get; }

    /// <summary>The most bases of A, C, G, T a sequence can have and still fit <see cref="MaxTokens"/>.</summary>
    int MaxWindowBases { get; }

    TransformerEncoder Encoder { get; }

    SequenceEmbeddings Embed(IReadOnlyList<ReadOnlyMemory<byte>> sequences);

    /// <summary>
    /// DNABERT's attention scores per base (the reference's run_finetune.py visualize): the last layer's attention
    /// from [CLS] to each token, summed over heads; each base gets the mean over the tokens that cover it (k tokens
    /// for overlapping k-mers), and each sequence's scores are scaled to unit L2 norm. Bases beyond the model's tokens get 0.
    /// </summary>
    float[][] BaseAttention(IReadOnlyList<ReadOnlyMemory<byte>> sequences);
}

/// <summary>The shell both DNA models share on top of <see cref="MethodModel{TSelf, TConfig, TNet, TBatch}"/>: the tokenizer rebuilt from its spec, and the encoder's verbs.</summary>
public abstract class DnaEncoderModel<TSelf, TConfig, TNet, TBatch> : MethodModel<TSelf, TConfig, TNet, TBatch>, IDnaEncoderModel
    where TSelf : MethodModel<TSelf, TConfig, TNet, TBatch>, IMethodDefinition<TSelf, TConfig, TNet>
    where TConfig : IMethodConfig<TConfig>
    where TNet : nn.Module
{
    protected DnaEncoderModel(TConfig config, TNet network, Device device, TokenizerSpec tokenizer) : base(config, network, device)
    {
        Tokenizer = tokenizer.Create();
    }

    public ISequenceTokenizer Tokenizer { get; }

    public abstract TransformerEncoder Encoder { get; }

    public int MaxTokens => Encoder.Config.MaxPositions;

    public int MaxWindowBases => DnaLanguageModelConfig.WindowBases(Tokenizer.Spec, MaxTokens);

    public SequenceEmbeddings Embed(IReadOnlyList<ReadOnlyMemory<byte>> sequences) => DnaEncoderInference.Embed(Encoder, Tokenizer, MaxTokens, Device, sequences);

    public float[][] BaseAttention(IReadOnlyList<ReadOnlyMemory<byte>> sequences) => DnaEncoderInference.BaseAttention(Encoder, Tokenizer, MaxTokens, Device, sequences);
}

/// <summary>Batched, gradient-free passes of an encoder over sequences: embeddings and base attention for every DNA model.</summary>
internal static class DnaEncoderInference
{
    public const int BatchSize = 32;

    public static SequenceEmbeddings Embed(TransformerEncoder encoder, ISequenceTokenizer tokenizer, int maxTokens, Device device, IReadOnlyList<ReadOnlyMemory<byte>> sequences)
    {
        var hidden = encoder.Config.Hidden;
        var cls = new float[sequences.Count, hidden];
        var mean = new float[sequences.Count, hidden];
        ForEachBatch(encoder, sequences, (first, batch) =>
        {
            var (ids, attention) = DnaTokens.Encode(tokenizer, batch, maxTokens, device);
            var states = encoder.call(new TransformerInput(ids, attention)).Hidden;                       // (B, T, H)
            var body = ids.ne(tokenizer.Specials.Pad).logical_and(ids.ne(tokenizer.Specials.Cls)).logical_and(ids.ne(tokenizer.Specials.End))
                .unsqueeze(-1).to(states.dtype);                                                          // (B, T, 1)
            var averaged = (states * body).sum(1) / body.sum(1).clamp_min(1);                             // (B, H)
            Copy(states[TensorIndex.Colon, 0].cpu(), cls, first);
            Copy(averaged.cpu(), mean, first);
        });
        return new SequenceEmbeddings(cls, mean);
    }

    public static float[][] BaseAttention(TransformerEncoder encoder, ISequenceTokenizer tokenizer, int maxTokens, Device device, IReadOnlyList<ReadOnlyMemory<byte>> sequences)
    {
        var result = new float[sequences.Count][];
        ForEachBatch(encoder, sequences, (first, batch) =>
        {
            var (ids, attention) = DnaTokens.Encode(tokenizer, batch, maxTokens, device);
            var output = encoder.call(new TransformerInput(ids, attention, RecordAttention: AttentionRecording.LastLayer));
            var fromCls = output.Attentions[^1][TensorIndex.Colon, TensorIndex.Colon, 0].sum(1).cpu();   // (B, nh, T, T) -> (B, T)
            var length = (int)fromCls.shape[1];
            var values = fromCls.contiguous().data<float>().ToArray();
            for (var i = 0; i < batch.Count; i++)
            {
                var tokens = MaskedSpans.Kept(tokenizer, batch[i].Span, maxTokens);
                result[first + i] = ToBases(values.AsSpan(i * length, length), tokens, batch[i].Length);
            }
        });
        return result;
    }

    /// <summary>Token scores to base scores (mean over covering tokens), scaled to unit L2 norm.</summary>
    internal static float[] ToBases(ReadOnlySpan<float> tokenScores, TokenizedSequence tokens, int bases)
    {
        var sums = new double[bases];
        var counts = new int[bases];
        for (var t = 0; t < tokens.Count; t++)
            for (var i = tokens.Starts[t]; i < tokens.Starts[t] + tokens.Lengths[t]; i++)
            {
                sums[i] += tokenScores[t];
                counts[i]++;
            }
        var scores = new double[bases];
        for (var i = 0; i < bases; i++) scores[i] = counts[i] == 0 ? 0 : sums[i] / counts[i];
        var norm = Math.Sqrt(scores.Sum(s => s * s));
        return scores.Select(s => norm > 0 ? (float)(s / norm) : 0f).ToArray();
    }

    /// <summary>Runs <paramref name="work"/> on batches of <see cref="BatchSize"/> sequences in evaluation mode, each in its own dispose scope, without gradients.</summary>
    public static void ForEachBatch(nn.Module network, IReadOnlyList<ReadOnlyMemory<byte>> sequences, Action<int, IReadOnlyList<ReadOnlyMemory<byte>>> work)
    {
        var wasTraining = network.training;
        network.eval();
        try
        {
            for (var first = 0; first < sequences.Count; first += BatchSize)
            {
                using var noCollection = NoCollectionRegion.Enter();
                using var scope = NewDisposeScope();
                using var noGrad = no_grad();
                var batch = Enumerable.Range(first, Math.Min(BatchSize, sequences.Count - first)).Select(i => sequences[i]).ToArray();
                work(first, batch);
            }
        }
        finally
        {
            network.train(wasTraining);
        }
    }

    internal static void Copy(Tensor values, float[,] target, int firstRow)
    {
        var columns = (int)values.shape[1];
        var data = values.contiguous().data<float>().ToArray();
        Buffer.BlockCopy(data, 0, target, firstRow * columns * sizeof(float), data.Length * sizeof(float));
    }
}
