using LabelFree.Core.Randomness;
using LabelFree.Data.Imaging;
using LabelFree.TestKit;

namespace LabelFree.Data.Tests.Imaging;

public class AxialSlicesTests
{
    [Fact]
    public void Normalises_within_the_brain_pads_and_puts_anterior_at_the_top()
    {
        // A 4x6x4 "brain": intensity grows with y (anterior); background 0.
        var data = new float[4 * 6 * 4];
        for (var z = 0; z < 4; z++)
            for (var y = 0; y < 6; y++)
                for (var x = 0; x < 4; x++)
                    data[(z * 6 + y) * 4 + x] = 10 + y;
        var volume = NiftiImage.Create([4, 6, 4], data);

        var slices = AxialSlices.Extract(volume, new SliceOptions(Downsample: 1, Height: 8, Width: 8, LowPercentile: 0, HighPercentile: 100, MinBrainFraction: 0.1));

        Assert.Equal(4, slices.Pixels.Count);
        var first = slices.Pixels[0];
        Assert.Equal(0f, first[0 * 8 + 3]);       // padding row above the brain
        Assert.Equal(1f, first[1 * 8 + 2]);       // top brain row = highest y = brightest
        Assert.Equal(0f, first[6 * 8 + 2]);       // bottom brain row = lowest y = darkest
        Assert.All(first, v => Assert.InRange(v, 0f, 1f));
    }

    [Fact]
    public void Slice_batches_have_shape_B_1_H_W_and_flip_reproducibly()
    {
        var device = TestTorch.Cpu;
        float[] slice = [1, 2, 3, 4, 5, 6];
        var dataset = new SliceDataset([slice, slice], height: 2, width: 3, device, flip: true);

        using var a = dataset.Load([0, 1], Rng.For(1, "augment", 3));
        using var b = dataset.Load([0, 1], Rng.For(1, "augment", 3));

        Assert.Equal([2L, 1, 2, 3], a.shape);
        Assert.True(a.equal(b).all().item<bool>());
        var values = a.data<float>().ToArray();
        Assert.All(new[] { values[..6], values[6..] }, v => Assert.True(v.SequenceEqual(slice) || v.SequenceEqual(new float[] { 3, 2, 1, 6, 5, 4 })));
    }
}
