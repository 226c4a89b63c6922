using LabelFree.Core.Randomness;
using LabelFree.Data.Imaging;
using LabelFree.Learning.Registration;
using LabelFree.TestKit;
using TorchSharp;

namespace LabelFree.Learning.Tests.Registration;

public class DeformedPairsTests
{
    /// <summary>An ellipsoidal "brain" with texture, 40x36x32 voxels of 2 mm.</summary>
    private static (NiftiImage Image, bool[] Mask) Brain()
    {
        int[] shape = [40, 36, 32];
        var data = new float[shape[0] * shape[1] * shape[2]];
        for (var i = 0; i < data.Length; i++)
        {
            int x = i % shape[0], y = i / shape[0] % shape[1], z = i / (shape[0] * shape[1]);
            var r = Math.Pow((x - 20) / 15.0, 2) + Math.Pow((y - 18) / 13.0, 2) + Math.Pow((z - 16) / 11.0, 2);
            data[i] = r < 1 ? (float)(1 + 0.5 * Math.Sin(x / 2.0) * Math.Cos(y / 3.0) + 0.3 * Math.Sin(z / 2.5)) : 0;
        }
        return (NiftiImage.Create(shape, data, [2, 2, 2]), data.Select(v => v > 0).ToArray());
    }

    [Fact]
    public void A_cropped_pair_is_a_window_of_the_whole_grid_pair_drawn_from_the_same_stream()
    {
        var grid = new RegistrationGrid([32, 32, 32], 2.0);
        var subjects = new[] { Brain() };
        var options = new DeformationOptions(RotationDegrees: 2, ScaleFraction: 0.02);
        var whole = new DeformedPairs(subjects, grid, options, 1, TestTorch.Cpu).Load([0], Rng.For(7, "pairs"));
        var cropped = new DeformedPairs(subjects, grid, options, 1, TestTorch.Cpu, crop: [16, 16, 16]).Load([0], Rng.For(7, "pairs"));

        Assert.Equal(new long[] { 1, 1, 32, 32, 32 }, whole.Fixed.shape);
        Assert.Equal(new long[] { 1, 1, 16, 16, 16 }, cropped.Moving.shape);
        var window = cropped.Fixed.data<float>().ToArray();
        Assert.True(window.Count(v => v > 0) > window.Length / 4, "the window is centred on brain, so it holds brain");
        using var scope = torch.NewDisposeScope();
        var found = 0;
        for (var z = 0; z <= 16; z++)
            for (var y = 0; y <= 16; y++)
                for (var x = 0; x <= 16; x++)
                {
                    // (Z, Y, X) windows of the whole-grid pair at this origin.
                    var fixedWindow = whole.Fixed[0, 0, z..(z + 16), y..(y + 16), x..(x + 16)];
                    var movingWindow = whole.Moving[0, 0, z..(z + 16), y..(y + 16), x..(x + 16)];
                    if (fixedWindow.allclose(cropped.Fixed[0, 0], 0, 0) && movingWindow.allclose(cropped.Moving[0, 0], 0, 0)) found++;
                }
        Assert.Equal(1, found);
    }

    [Fact]
    public void A_crop_larger_than_the_grid_is_refused()
    {
        var grid = new RegistrationGrid([32, 32, 32], 2.0);
        var error = Assert.Throws<Core.Errors.UserInputException>(() =>
            new DeformedPairs([Brain()], grid, new DeformationOptions(), 1, TestTorch.Cpu, crop: [48, 16, 16]));
        Assert.Contains("crop", error.Message);
    }
}
