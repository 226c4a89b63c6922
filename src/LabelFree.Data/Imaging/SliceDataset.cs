using LabelFree.Core.Randomness;
using LabelFree.Core.Training;
using static TorchSharp.torch;

namespace LabelFree.Data.Imaging;

/// <summary>
/// 2-D slices as training batches of shape (B, 1, H, W) on <paramref name="device"/>. With <paramref name="flip"/>, each
/// slice is mirrored left-right with probability 1/2 (brains are nearly symmetric), drawn from the step's stream.
/// </summary>
public sealed class SliceDataset(IReadOnlyList<float[]> slices, int height, int width, Device device, bool flip = false) : IBatchSource<Tensor>
{
    public int Count => slices.Count;

    public Tensor Load(ReadOnlySpan<int> indices, Rng rng)
    {
        var plane = height * width;
        var batch = new float[indices.Length * plane];
        for (var b = 0; b < indices.Length; b++)
        {
            var source = slices[indices[b]];
            var target = batch.AsSpan(b * plane, plane);
            if (flip && rng.NextDouble() < 0.5)
            {
                for (var r = 0; r < height; r++)
                    for (var c = 0; c < width; c++)
                        target[r * width + c] = source[r * width + (width - 1 - c)];
            }
            else
            {
                source.CopyTo(target);
            }
        }
        return tensor(batch, [indices.Length, 1, height, width]).to(device);  // (B, 1, H, W)
    }
}
