using LabelFree.Core.Errors;
using LabelFree.Core.Training;
using LabelFree.Data.Imaging;
using LabelFree.Learning.Methods.ConvAutoencoder;
using LabelFree.TestKit;

namespace LabelFree.Learning.Tests.Methods;

/// <summary>The autoencoder's own behaviour (the shared contract is in <see cref="MethodContractTests"/>): outputs in [0, 1], a loss that falls, sizes checked.</summary>
public class ConvAutoencoderTests
{
    private static readonly ConvAutoencoderConfig Tiny = new() { Height = 16, Width = 16, Channels = [4, 8], LatentChannels = 2 };

    [Fact]
    public void Reconstructions_have_the_input_shape_and_lie_in_0_1()
    {
        using var model = ConvAutoencoder.Create(Tiny, seed: 1, TestTorch.Cpu);
        var output = model.Reconstruct(Blobs(3));
        Assert.Equal(3, output.Length);
        Assert.All(output, o => Assert.Equal(256, o.Length));
        Assert.All(output.SelectMany(o => o), v => Assert.InRange(v, 0f, 1f));
    }

    [Fact]
    [Trait(Category.Name, Category.Slow)]
    public void Loss_is_finite_and_falls_on_simple_images()
    {
        using var model = ConvAutoencoder.Create(Tiny, seed: 1, TestTorch.Cpu);
        var images = Blobs(24);
        var data = new SliceDataset(images, 16, 16, TestTorch.Cpu);
        var options = new TrainerOptions { Seed = 1, MaxSteps = 120, BatchSize = 8, LearningRate = 5e-3 };
        var before = Mse(model, images);

        var result = model.Fit(data, null, new TrainingRun(options));

        Assert.True(double.IsFinite(result.FinalLoss));
        var after = Mse(model, images);
        Assert.True(after < before / 3, $"MSE went from {before} to {after}");
    }

    [Fact]
    public void Bad_sizes_name_the_field()
    {
        var error = Assert.Throws<UserInputException>(() => ConvAutoencoder.Create(Tiny with { Height = 18 }, 1, TestTorch.Cpu));
        Assert.Contains("height/width", error.Message);
    }

    /// <summary>Bright discs on a dark background at seeded positions.</summary>
    private static List<float[]> Blobs(int count) => Enumerable.Range(0, count).Select(i =>
    {
        var rng = new Core.Randomness.Rng((ulong)i);
        double cx = rng.Uniform(5, 11), cy = rng.Uniform(5, 11), r = rng.Uniform(2, 4);
        var image = new float[256];
        for (var y = 0; y < 16; y++)
            for (var x = 0; x < 16; x++)
                image[y * 16 + x] = (x - cx) * (x - cx) + (y - cy) * (y - cy) < r * r ? 0.9f : 0.1f;
        return image;
    }).ToList();

    private static double Mse(ConvAutoencoder model, List<float[]> images)
    {
        var output = model.Reconstruct(images);
        return images.Zip(output, (a, b) => a.Zip(b, (x, y) => (x - y) * (x - y)).Average()).Average();
    }
}
