using LabelFree.Learning.Nn;
using LabelFree.TestKit;
using static TorchSharp.torch;

namespace LabelFree.Learning.Tests.Nn;

public class ImageEncoderTests
{
    [Fact]
    public void ResNet18_has_eight_stages_of_basic_blocks_and_pools_to_eight_times_its_width()
    {
        _ = TestTorch.Cpu;
        using var scope = NewDisposeScope();
        using var resnet = new ImageEncoderConfig { Channels = 1, ImageSize = 16, Width = 8 }.Build();
        Assert.Equal(64, resnet.FeatureSize);
        Assert.Equal(new long[] { 3, 64 }, resnet.call(rand(3, 1, 16, 16)).shape);
        // 1 stem + 16 block convolutions + 3 projection shortcuts, as torchvision's resnet18
        Assert.Equal(20, resnet.modules().Count(m => m is TorchSharp.Modules.Conv2d));
    }

    [Fact]
    public void A_vit_reuses_the_shared_transformer_and_reads_smaller_crops_through_resized_positions()
    {
        _ = TestTorch.Cpu;
        using var scope = NewDisposeScope();
        using var vit = new ImageEncoderConfig { Kind = ImageEncoderKind.VitTiny, ImageSize = 16, PatchSize = 4, Layers = 2 }.Build();
        Assert.Equal(192, vit.FeatureSize);
        Assert.Single(vit.modules().OfType<TransformerEncoder>());
        Assert.Equal(new long[] { 2, 192 }, vit.call(rand(2, 3, 16, 16)).shape);
        Assert.Equal(new long[] { 2, 192 }, vit.call(rand(2, 3, 8, 8)).shape);
        Assert.Equal(384, new ImageEncoderConfig { Kind = ImageEncoderKind.VitSmall, ImageSize = 16 }.FeatureSize);
    }
}
