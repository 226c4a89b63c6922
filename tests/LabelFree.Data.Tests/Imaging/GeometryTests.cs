using LabelFree.Core.Randomness;
using LabelFree.Data.Imaging;

namespace LabelFree.Data.Tests.Imaging;

public class GeometryTests
{
    /// <summary>A 4x3x2 volume whose voxel axes run L, S, A (as the ITK head): x flipped, y and z swapped.</summary>
    private static NiftiImage Lsa()
    {
        var data = Enumerable.Range(0, 24).Select(i => (float)i).ToArray();
        double[] affine = [-2, 0, 0, 10, 0, 0, 3, -20, 0, 2, 0, 5, 0, 0, 0, 1];
        return NiftiImage.Create([4, 3, 2], data, [2, 2, 3], affine);
    }

    [Fact]
    public void Reorients_to_RAS_without_interpolation_and_back()
    {
        var image = Lsa();
        var ras = Reorient.ToRas(image);

        Assert.Equal([4, 2, 3], ras.Shape);
        // The RAS affine is diagonal with positive steps, and maps each voxel to the same world point as before.
        Assert.Equal([2, 0, 0, 4, 0, 3, 0, -20, 0, 0, 2, 5, 0, 0, 0, 1], ras.Affine.Select(v => Math.Round(v, 9) + 0.0));
        for (var x = 0; x < 4; x++)
            for (var y = 0; y < 3; y++)
                for (var z = 0; z < 2; z++)
                {
                    var world = Affine.Apply(image.Affine, x, y, z);
                    var (rx, ry, rz) = Affine.Apply(Affine.Invert(ras.Affine), world.X, world.Y, world.Z);
                    Assert.Equal(image[x, y, z], ras[(int)Math.Round(rx), (int)Math.Round(ry), (int)Math.Round(rz)]);
                }
        Assert.Equal(image.Data, Reorient.FromRas(ras, image).Data);
    }

    [Fact]
    public void Resampling_onto_the_same_grid_is_the_identity_and_half_a_voxel_averages()
    {
        var image = Lsa();
        Assert.Equal(image.Data, Resample.ToGrid(image.Data, image.Shape, image.Affine, image.Shape, image.Affine, Interpolation.Linear));

        var shifted = (double[])image.Affine.Clone();
        shifted[3] += -1;  // half a voxel along x (whose step is -2 mm)
        var values = Resample.ToGrid(image.Data, image.Shape, image.Affine, image.Shape, shifted, Interpolation.Linear);
        Assert.Equal((image[0, 1, 1] + image[1, 1, 1]) / 2, values[(1 * 3 + 1) * 4 + 0], 5);
    }

    [Fact]
    public void Preprocessing_normalises_inside_the_brain_and_slices_round_trip()
    {
        var data = new float[20 * 20 * 10];
        for (var i = 0; i < data.Length; i++)
        {
            int x = i % 20, y = i / 20 % 20;
            data[i] = x is > 3 and < 16 && y is > 3 and < 16 ? 50 + x + y : 0;
        }
        var image = NiftiImage.Create([20, 20, 10], data, [2, 2, 2], [2, 0, 0, 0, 0, 2, 0, 0, 0, 0, 2, 0, 0, 0, 0, 1]);
        var volume = VolumePreprocessing.Run(image, BrainMask.FromSkullStripped(image, "test"), new PreprocessingOptions(Spacing: 2, Height: 16, Width: 16));

        Assert.All(volume.Image, v => Assert.InRange(v, 0f, 1f));
        Assert.All(volume.Image.Where((_, i) => !volume.Mask[i]), v => Assert.Equal(0f, v));
        Assert.True(volume.Image.Max() > 0.95f);
        var slices = Enumerable.Range(0, volume.SliceCount).Select(volume.Slice).ToList();
        Assert.Equal(volume.Image, volume.FromSlices(slices));
    }

    [Fact]
    public void Synthetic_lesions_are_seeded_inside_the_brain_and_darker()
    {
        var image = NiftiImage.Create([40, 40, 40], Enumerable.Repeat(100f, 64000).ToArray());
        var brain = Enumerable.Range(0, 64000).Select(i => i % 40 is > 2 and < 37).ToArray();
        var options = new LesionOptions(MinRadiusMm: 4, MaxRadiusMm: 6, TextureNoise: 0);

        var a = SyntheticLesions.Add(image, brain, options, Rng.For(1, "lesions"));
        var b = SyntheticLesions.Add(image, brain, options, Rng.For(1, "lesions"));

        Assert.Equal(a.Image.Data, b.Image.Data);
        Assert.InRange(a.Lesions.Count, 1, 3);
        Assert.True(a.LesionMask.Count(m => m) > 100);
        Assert.All(Enumerable.Range(0, 64000).Where(i => a.LesionMask[i]), i =>
        {
            Assert.True(brain[i]);
            Assert.True(a.Image.Data[i] < 100 * (1 - options.MinContrast / 2) + 1e-3);
        });
        Assert.All(Enumerable.Range(0, 64000).Where(i => !brain[i]), i => Assert.Equal(100f, a.Image.Data[i]));
    }

    [Fact]
    public void Mixed_lesions_have_every_kind_each_with_its_polarity_and_label()
    {
        var image = NiftiImage.Create([40, 40, 40], Enumerable.Repeat(100f, 64000).ToArray());
        var brain = Enumerable.Range(0, 64000).Select(i => i % 40 is > 2 and < 37).ToArray();
        var seen = new HashSet<LesionKind>();
        for (var seed = 0; seed < 12 && seen.Count < 3; seed++)
        {
            var lesioned = SyntheticLesions.Add(image, brain, LesionOptions.Mixed with { TextureNoise = 0, MinRadiusMm = 5 }, Rng.For(seed, "lesions"));
            Assert.Equal(lesioned.LesionMask, lesioned.KindLabels.Select(k => k > 0).ToArray());
            foreach (var lesion in lesioned.Lesions)
            {
                seen.Add(lesion.Kind);
                var inside = Enumerable.Range(0, 64000).Where(i => lesioned.KindLabels[i] == (byte)lesion.Kind).Select(i => lesioned.Image.Data[i]).ToList();
                if (inside.Count < 20 || lesioned.Lesions.Count(l => l.Kind == lesion.Kind) > 1) continue;
                switch (lesion.Kind)
                {
                    case LesionKind.Darker: Assert.True(inside.Average() < 95); break;
                    case LesionKind.Brighter: Assert.True(inside.Average() > 105); break;
                    default:   // textured: the mean kept, the spread large
                        Assert.InRange(inside.Average(), 90, 110);
                        Assert.True(Math.Sqrt(inside.Average(v => (v - 100) * (v - 100))) > 10);
                        break;
                }
            }
        }
        Assert.Equal(3, seen.Count);

        // Default lesions are all darker, as before kinds existed.
        var plain = SyntheticLesions.Add(image, brain, new LesionOptions(), Rng.For(3, "lesions"));
        Assert.All(plain.Lesions, l => Assert.Equal(LesionKind.Darker, l.Kind));
    }

    [Fact]
    public void Random_deformation_is_seeded_and_the_identity_at_zero_strength()
    {
        var image = NiftiImage.Create([24, 24, 24], Enumerable.Range(0, 13824).Select(i => (float)(i % 24 + 1)).ToArray());
        var brain = Enumerable.Repeat(true, 13824).ToArray();

        var none = new DeformationOptions(0, 0, 24, 0, 0, 1, 1);
        var (same, sameMask) = RandomDeformation.Apply(image, brain, none, Rng.For(1, "deform"));
        Assert.Equal(image.Data.Select(v => Math.Round(v, 3)), same.Data.Select(v => Math.Round(v, 3)));
        Assert.All(sameMask, Assert.True);

        var a = RandomDeformation.Apply(image, brain, new DeformationOptions(), Rng.For(2, "deform"));
        var b = RandomDeformation.Apply(image, brain, new DeformationOptions(), Rng.For(2, "deform"));
        var c = RandomDeformation.Apply(image, brain, new DeformationOptions(), Rng.For(3, "deform"));
        Assert.Equal(a.Image.Data, b.Image.Data);
        Assert.NotEqual(a.Image.Data, c.Image.Data);
    }
}
