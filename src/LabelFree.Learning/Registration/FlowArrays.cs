using static TorchSharp.torch;

namespace LabelFree.Learning.Registration;

/// <summary>Moves displacement fields between tensors (tensor axis order) and arrays (grid axis order, x first).</summary>
public static class FlowArrays
{
    /// <summary>(1, D, *S) with channels in tensor order (z, y, x) -> D blocks in grid order (x, y, z).</summary>
    public static float[] ToGridOrder(Tensor flow)
    {
        var reordered = flow[0].flip(0).contiguous().cpu();  // (D, *S), channel 0 now along x
        return reordered.data<float>().ToArray();
    }
}
