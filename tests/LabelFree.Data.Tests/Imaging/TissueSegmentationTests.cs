using LabelFree.Core.Randomness;
using LabelFree.Data.Imaging;

namespace LabelFree.Data.Tests.Imaging;

public class TissueSegmentationTests
{
    /// <summary>Nested spheres (white matter core, grey shell, CSF rim) with Gaussian noise, inside a spherical brain mask.</summary>
    private static (float[] Image, bool[] Mask, byte[] Truth, int[] Shape) Phantom(double noise, ulong seed)
    {
        const int size = 28;
        var rng = new Rng(seed);
        int[] shape = [size, size, size];
        var image = new float[size * size * size];
        var mask = new bool[image.Length];
        var truth = new byte[image.Length];
        double[] intensity = [0, 0.2, 0.55, 0.85];
        for (var z = 0; z < size; z++)
            for (var y = 0; y < size; y++)
                for (var x = 0; x < size; x++)
                {
                    var i = (z * size + y) * size + x;
                    var r = Math.Sqrt(Math.Pow(x - 13.5, 2) + Math.Pow(y - 13.5, 2) + Math.Pow(z - 13.5, 2));
                    if (r > 13) continue;
                    mask[i] = true;
                    truth[i] = (byte)(r < 7 ? 3 : r < 10.5 ? 2 : 1);
                    image[i] = (float)(intensity[truth[i]] + noise * rng.NextGaussian());
                }
        return (image, mask, truth, shape);
    }

    private static double Accuracy(byte[] labels, byte[] truth, bool[] mask) =>
        (double)Enumerable.Range(0, mask.Length).Count(i => mask[i] && labels[i] == truth[i]) / mask.Count(m => m);

    [Fact]
    public void Finds_the_classes_in_intensity_order_and_the_Markov_prior_removes_noise()
    {
        var (image, mask, truth, shape) = Phantom(noise: 0.11, seed: 3);

        var withPrior = TissueSegmentation.Segment(image, mask, shape, new TissueSegmentationOptions());
        var withoutPrior = TissueSegmentation.Segment(image, mask, shape, new TissueSegmentationOptions(MrfBeta: 0));

        Assert.All(Enumerable.Range(0, mask.Length).Where(i => !mask[i]), i => Assert.Equal(0, withPrior[i]));
        var plain = Accuracy(withoutPrior, truth, mask);
        var smoothed = Accuracy(withPrior, truth, mask);
        Assert.InRange(plain, 0.6, 0.9);       // the class intensities overlap at this noise level
        Assert.True(smoothed > 0.95, $"accuracy with the MRF prior {smoothed:F3}, without {plain:F3}");
        Assert.True(smoothed > plain + 0.08, $"MRF {smoothed:F3} vs none {plain:F3}");
    }

    [Fact]
    public void StRegA_style_preprocessing_gives_the_model_tissue_classes()
    {
        var (image, mask, _, shape) = Phantom(noise: 0.05, seed: 4);
        var scan = NiftiImage.Create(shape, image.Select((v, i) => mask[i] ? v + 0.3f : 0f).ToArray(), [2, 2, 2], [2, 0, 0, 0, 0, 2, 0, 0, 0, 0, 2, 0, 0, 0, 0, 1]);
        var options = new PreprocessingOptions(Spacing: 2, Height: 32, Width: 32, Input: ModelInput.TissueClasses);

        var volume = VolumePreprocessing.Run(scan, mask, options);

        Assert.Equal(new[] { 0f, 1 / 3f, 2 / 3f, 1f }, volume.Image.Distinct().Order());
        Assert.All(Enumerable.Range(0, volume.Image.Length).Where(i => !volume.Mask[i]), i => Assert.Equal(0f, volume.Image[i]));
        Assert.NotSame(volume.Image, volume.Intensity);
        var intensities = VolumePreprocessing.Run(scan, mask, options with { Input = ModelInput.Intensity });
        Assert.Same(intensities.Image, intensities.Intensity);
    }
}
