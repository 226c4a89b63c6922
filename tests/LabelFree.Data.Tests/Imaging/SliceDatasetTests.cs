using LabelFree.Core.Randomness;
using LabelFree.Data.Imaging;
using LabelFree.TestKit;

namespace LabelFree.Data.Tests.Imaging;

public class SliceDatasetTests
{
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
