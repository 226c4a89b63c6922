using LabelFree.Core.Randomness;
using LabelFree.Core.Training;
using LabelFree.Data.Imaging;
using LabelFree.Learning.Methods.Strega;
using LabelFree.TestKit;
using static TorchSharp.torch;

namespace LabelFree.Learning.Tests.Methods;

/// <summary>StRegA's own behaviour on a small configuration (the shared contract is in <see cref="MethodContractTests"/>): shapes, context encoding, a falling loss, post-processing.</summary>
public class StregaTests
{
    private static readonly StregaConfig Tiny = new()
    {
        Preprocessing = new PreprocessingOptions(Height: 16, Width: 16),
        Channels = [4, 8],
        LatentDim = 8,
    };

    [Fact]
    public void Encoder_collapses_to_a_1x1_latent_and_the_decoder_restores_the_image_size()
    {
        _ = TestTorch.Cpu;
        using var scope = NewDisposeScope();
        using var net = new CeVaeNet(Tiny);
        var (mean, logStd) = net.call(rand(3, 1, 16, 16));
        Assert.Equal([3L, 8, 1, 1], mean.shape);
        Assert.Equal([3L, 8, 1, 1], logStd.shape);
        Assert.Equal([3L, 1, 16, 16], net.Decode(mean).shape);
    }

    [Fact]
    public void Context_encoding_pastes_at_most_the_configured_squares_and_keeps_the_clean_batch()
    {
        _ = TestTorch.Cpu;
        using var scope = NewDisposeScope();
        // A ramp from 0 to 1: the noise value is drawn between the batch's minimum and maximum, as in the reference.
        var slices = Enumerable.Range(0, 8).Select(i => Enumerable.Range(0, 256).Select(p => p / 255f).ToArray()).ToList();
        var source = new ContextEncodingBatches(new SliceDataset(slices, 16, 16, TestTorch.Cpu), Tiny);

        var a = source.Load([0, 1, 2, 3, 4, 5, 6, 7], Rng.For(1, "augment", 0));
        var b = source.Load([0, 1, 2, 3, 4, 5, 6, 7], Rng.For(1, "augment", 0));

        Assert.True(a.Clean[0, 0].flatten().equal(tensor(slices[0])).all().item<bool>());
        Assert.True(a.Noisy.equal(b.Noisy).all().item<bool>());
        Assert.True(a.Noisy.ne(a.Clean).any().item<bool>());
        // Every changed pixel lies in at most 3 squares of side <= 8 per slice: at most 3 * 64 pixels.
        var changed = a.Noisy.ne(a.Clean).sum(dim: [1, 2, 3]).data<long>().ToArray();
        Assert.All(changed, c => Assert.InRange(c, 0, 3 * 64));
    }

    [Fact]
    [Trait(Category.Name, Category.Slow)]
    public void Loss_is_finite_and_falls()
    {
        var device = TestTorch.Cpu;
        var slices = Blobs(16);
        using var model = Strega.Create(Tiny, seed: 1, device);
        var before = Reconstruction(model, slices);

        var result = model.Fit(new SliceDataset(slices, 16, 16, device), null, new TrainingRun(new TrainerOptions { MaxSteps = 150, BatchSize = 8, LearningRate = 3e-3 }));

        Assert.True(double.IsFinite(result.FinalLoss));
        var after = Reconstruction(model, slices);
        Assert.True(after < before / 2, $"L1 went from {before} to {after}");
    }

    [Fact]
    public void Postprocessing_keeps_a_large_dark_anomaly_and_drops_specks_and_the_outside()
    {
        // 32x32x2 grid at 1 mm, min area 16 mm², the reference's steps only (no opening): a 6x6 anomaly survives, a 2x2 speck does not.
        int[] shape = [32, 32, 2];
        var n = 32 * 32 * 2;
        var input = Enumerable.Repeat(0.6f, n).ToArray();
        var reconstruction = Enumerable.Repeat(0.6f, n).ToArray();
        var brain = Enumerable.Range(0, n).Select(i => i % 32 < 28).ToArray();
        for (var y = 10; y < 16; y++) for (var x = 10; x < 16; x++) input[y * 32 + x] = 0.1f;  // darker than expected
        for (var y = 2; y < 4; y++) for (var x = 2; x < 4; x++) input[y * 32 + x] = 0.1f;
        for (var y = 20; y < 26; y++) for (var x = 29; x < 32; x++) input[y * 32 + x] = 0.1f;  // outside the brain

        var maps = AnomalyPostprocessing.Apply(input, reconstruction, brain, shape, spacing: 1, new PostprocessingOptions(MinAreaMm2: 16, OpeningRadiusMm: 0));

        var detected = Enumerable.Range(0, n).Where(i => maps.Mask[i]).ToList();
        Assert.Equal(36, detected.Count);
        Assert.All(detected, i => Assert.InRange(i % 32, 10, 15));
        Assert.Equal(0.5f, maps.Score[12 * 32 + 12], 5);
        Assert.Equal(0f, maps.Score[22 * 32 + 30]);
    }

    [Theory]
    [InlineData(2, 112, 96)]
    [InlineData(3, 80, 64)]
    [InlineData(1, 224, 192)]
    public void A_working_grid_keeps_the_field_of_view_in_whole_multiples_of_16_pixels(double spacing, int height, int width)
    {
        var config = StregaConfig.AtSpacing(spacing).Validate();
        Assert.Equal((spacing, height, width), (config.Preprocessing.Spacing, config.Height, config.Width));
        Assert.Equal(ModelInput.TissueClasses, config.Preprocessing.Input);
    }

    [Fact]
    public void Ball_opening_in_postprocessing_drops_a_thin_rim_and_keeps_a_compact_anomaly()
    {
        // 32x32x12 at 1 mm: an 8x8x8 dark cube and a 1-px wide, 20-px long dark line through slices 1-10 (a residual rim).
        int[] shape = [32, 32, 12];
        var n = 32 * 32 * 12;
        var input = Enumerable.Repeat(0.6f, n).ToArray();
        var reconstruction = Enumerable.Repeat(0.6f, n).ToArray();
        var brain = Enumerable.Repeat(true, n).ToArray();
        var cube = new HashSet<int>();
        for (var z = 1; z < 11; z++)
        {
            if (z is >= 2 and < 10) for (var y = 10; y < 18; y++) for (var x = 4; x < 12; x++) cube.Add((z * 32 + y) * 32 + x);
            for (var y = 4; y < 24; y++) input[(z * 32 + y) * 32 + 24] = 0.1f;
        }
        foreach (var i in cube) input[i] = 0.1f;

        var plain = AnomalyPostprocessing.Apply(input, reconstruction, brain, shape, spacing: 1, new PostprocessingOptions(MinAreaMm2: 16, OpeningRadiusMm: 0));
        var opened = AnomalyPostprocessing.Apply(input, reconstruction, brain, shape, spacing: 1, new PostprocessingOptions(MinAreaMm2: 16, OpeningRadiusMm: 2));

        Assert.True(plain.Mask[(5 * 32 + 10) * 32 + 24], "without opening the rim is detected");
        var detected = Enumerable.Range(0, n).Where(i => opened.Mask[i]).ToList();
        Assert.All(detected, i => Assert.Contains(i, cube));
        Assert.InRange(detected.Count, 0.6 * cube.Count, cube.Count);
    }

    private static double Reconstruction(Strega model, List<float[]> slices) =>
        slices.Zip(model.Reconstruct(slices), (a, b) => a.Zip(b, (x, y) => Math.Abs(x - y)).Average()).Average();

    private static List<float[]> Blobs(int count) => Enumerable.Range(0, count).Select(i =>
    {
        var rng = new Rng((ulong)i);
        double cx = rng.Uniform(5, 11), cy = rng.Uniform(5, 11), r = rng.Uniform(3, 5);
        var image = new float[256];
        for (var y = 0; y < 16; y++)
            for (var x = 0; x < 16; x++)
                image[y * 16 + x] = (x - cx) * (x - cx) + (y - cy) * (y - cy) < r * r ? 0.9f : 0.1f;
        return image;
    }).ToList();
}
