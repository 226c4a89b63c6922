using LabelFree.Core.Randomness;
using LabelFree.Data.Imaging;
using LabelFree.Learning.Methods.Deformable;
using LabelFree.Learning.Registration;
using LabelFree.TestKit;
using TorchSharp;

namespace LabelFree.Learning.Tests.Registration;

public class DeformedPairsTests
{
    [Fact]
    public void A_cropped_pair_is_a_window_of_the_whole_grid_pair_drawn_from_the_same_stream()
    {
        var grid = new RegistrationGrid([32, 32, 32], 2.0);
        var subjects = new[] { TestBrains.Ellipsoid() };
        var options = new DeformationOptions(RotationDegrees: 2, ScaleFraction: 0.02);
        var whole = new DeformedPairs(subjects, grid, options, TestTorch.Cpu).Next(1, Rng.For(7, "pairs"));
        var cropped = new DeformedPairs(subjects, grid, options, TestTorch.Cpu, crop: [16, 16, 16]).Next(1, Rng.For(7, "pairs"));

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
        var error = Assert.Throws<Core.Errors.SettingException>(() =>
            new DeformedPairs([TestBrains.Ellipsoid()], grid, new DeformationOptions(), TestTorch.Cpu, crop: [48, 16, 16]));
        Assert.Equal("crop", error.Setting);
    }
}
