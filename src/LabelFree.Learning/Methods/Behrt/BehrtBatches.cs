using LabelFree.Core.Randomness;
using LabelFree.Core.Training;
using LabelFree.Learning.Objectives;
using static TorchSharp.torch;

namespace LabelFree.Learning.Methods.Behrt;

/// <summary>
/// A batch of patients, each (B, T) int64 padded to the longest sentence of the batch: tokens, ages, segments,
/// positions, the keep mask (true at real tokens); MLM labels (-100 where nothing is predicted) when masked for
/// pre-training; targets (B, labels) float 0/1 when fine-tuning.
/// </summary>
public sealed record BehrtBatch(Tensor Tokens, Tensor Ages, Tensor Segments, Tensor Positions, Tensor Keep, Tensor? MaskedLabels = null, Tensor? Targets = null);

/// <summary>
/// Patients' sentences as batches. With <paramref name="masking"/>, tokens are corrupted by BERT's 15% 80/10/10
/// (<see cref="TokenMasking.Bert(ReadOnlySpan{long}, TokenMaskingOptions, Rng)"/>) from the batch's random stream, so a
/// resumed run masks as the uninterrupted one did; with <paramref name="targets"/> (one 0/1 row per sentence), the
/// batch carries them.
/// </summary>
public sealed class BehrtBatches(IReadOnlyList<BehrtSequence> sequences, Device device, TokenMaskingOptions? masking = null, IReadOnlyList<float[]>? targets = null)
    : IBatchSource<BehrtBatch>
{
    public int Count => sequences.Count;

    public BehrtBatch Load(ReadOnlySpan<int> indices, Rng rng)
    {
        var length = 0;
        foreach (var i in indices) length = Math.Max(length, sequences[i].Length);
        var n = indices.Length;
        var (tokens, ages, segments, positions) = (new long[n * length], new long[n * length], new long[n * length], new long[n * length]);
        var keep = new bool[n * length];
        for (var b = 0; b < n; b++)
        {
            var s = sequences[indices[b]];
            for (var t = 0; t < s.Length; t++)
            {
                var k = b * length + t;
                (tokens[k], ages[k], segments[k], positions[k], keep[k]) = (s.Tokens[t], s.Ages[t], s.Segments[t], s.Positions[t], true);
            }
        }
        long[] shape = [n, length];
        Tensor? labels = null;
        if (masking is not null)
        {
            var masked = TokenMasking.Bert(tokens, masking, rng);
            tokens = masked.Inputs;
            labels = tensor(masked.Labels, shape).to(device);
        }
        Tensor? wanted = null;
        if (targets is not null)
        {
            var width = targets[0].Length;
            var rows = new float[n * width];
            for (var b = 0; b < n; b++) targets[indices[b]].CopyTo(rows, b * width);
            wanted = tensor(rows, [n, width]).to(device);
        }
        return new BehrtBatch(tensor(tokens, shape).to(device), tensor(ages, shape).to(device), tensor(segments, shape).to(device),
            tensor(positions, shape).to(device), tensor(keep, shape).to(device), labels, wanted);
    }

    /// <summary>
    /// Runs <paramref name="work"/> on every sentence in order, <paramref name="batchSize"/> at a time (for inference:
    /// no masking, no gradients), each batch in its own dispose scope; work gets the index of the batch's first sentence.
    /// </summary>
    public static void ForEach(IReadOnlyList<BehrtSequence> sequences, Device device, int batchSize, Action<int, BehrtBatch> work)
    {
        var source = new BehrtBatches(sequences, device);
        for (var first = 0; first < sequences.Count; first += batchSize)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var indices = Enumerable.Range(first, Math.Min(batchSize, sequences.Count - first)).ToArray();
            work(first, source.Load(indices, new Rng(0)));
        }
    }
}
