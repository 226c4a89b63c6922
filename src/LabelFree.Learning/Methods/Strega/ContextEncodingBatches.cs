using LabelFree.Core.Randomness;
using LabelFree.Core.Training;
using static TorchSharp.torch;

namespace LabelFree.Learning.Methods.Strega;

/// <summary>A training batch of clean slices and the same slices with noise squares pasted in, each (B, 1, H, W).</summary>
public sealed record ContextEncodingBatch(Tensor Clean, Tensor Noisy);

/// <summary>
/// Wraps a slice source and adds the context-encoding corruption: for each slice, 0 to <c>MaxNoiseSquares</c> squares
/// of side up to <c>MaxSquareFraction</c> of the shorter image side, each filled with one value drawn uniformly between
/// the batch minimum and maximum (as the reference), at uniform positions. Drawn from the step's random stream.
/// </summary>
public sealed class ContextEncodingBatches(IBatchSource<Tensor> slices, StregaConfig config) : IBatchSource<ContextEncodingBatch>
{
    public int Count => slices.Count;

    public ContextEncodingBatch Load(ReadOnlySpan<int> indices, Rng rng)
    {
        var clean = slices.Load(indices, rng);  // (B, 1, H, W)
        var noisy = clean.clone();
        var range = stack([clean.min(), clean.max()]).cpu().data<float>().ToArray();  // one read for both
        double low = range[0], high = range[1];
        var side = Math.Min(config.Height, config.Width);
        var maxSize = Math.Max(1, (int)(side * config.MaxSquareFraction));
        using (no_grad())
        {
            for (var b = 0; b < indices.Length; b++)
            {
                var squares = rng.NextInt(config.MaxNoiseSquares + 1);
                for (var s = 0; s < squares; s++)
                {
                    var size = rng.NextInt(1, maxSize + 1);
                    var top = rng.NextInt(config.Height - size + 1);
                    var left = rng.NextInt(config.Width - size + 1);
                    var value = rng.Uniform(low, high);
                    noisy[b, 0, TensorIndex.Slice(top, top + size), TensorIndex.Slice(left, left + size)].fill_(value);
                }
            }
        }
        return new ContextEncodingBatch(clean, noisy);
    }
}
