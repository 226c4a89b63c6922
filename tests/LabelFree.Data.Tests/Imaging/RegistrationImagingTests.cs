using LabelFree.Core.Randomness;
using LabelFree.Data.Imaging;
using LabelFree.TestKit;

namespace LabelFree.Data.Tests.Imaging;

public class RegistrationImagingTests
{
    private static (NiftiImage Image, bool[] Mask, float[] Labels) Blob()
    {
        const int n = 24;
        var data = new float[n * n * n];
        var labels = new float[data.Length];
        for (var i = 0; i < data.Length; i++)
        {
            int x = i % n, y = i / n % n, z = i / (n * n);
            var r = Math.Pow((x - 12) / 9.0, 2) + Math.Pow((y - 12) / 8.0, 2) + Math.Pow((z - 12) / 7.0, 2);
            data[i] = r < 1 ? (float)(1 + 0.3 * Math.Sin(x)) : 0;
            labels[i] = r < 1 ? (x < 12 ? 1 : 2) : 0;
        }
        return (NiftiImage.Create([n, n, n], data, [2, 2, 2]), data.Select(v => v > 0).ToArray(), labels);
    }

    [Fact]
    public void Random_deformation_warps_labels_with_the_same_field_as_the_image()
    {
        var (image, mask, labels) = Blob();
        var plain = RandomDeformation.Apply(image, mask, new DeformationOptions(), Rng.For(3, "t"));
        var (deformed, warpedMask, warpedLabels) = RandomDeformation.Apply(image, mask, labels, new DeformationOptions(), Rng.For(3, "t"));
        Assert.Equal(plain.Image.Data, deformed.Data);
        Assert.Equal(plain.Mask, warpedMask);
        Assert.NotEqual(labels, warpedLabels);
        // Labels land where the warped brain is (nearest vs trilinear mask may differ at the edge only).
        var agree = warpedMask.Where((m, i) => m == (warpedLabels![i] > 0)).Count();
        Assert.True(agree > 0.97 * mask.Length);
    }

    [Fact]
    public void An_affine_only_field_warps_like_resampling()
    {
        var (image, _, _) = Blob();
        double[] shift = [1, 0, 0, 4, 0, 1, 0, -2, 0, 0, 1, 0, 0, 0, 0, 1];  // 2 voxels along x, -1 along y
        var field = DisplacementField.Compose(image, null, [1, 1, 1], Affine.Identity(), shift);
        Assert.All(field.X, v => Assert.Equal(4, v, 5));
        var warped = field.Warp(image, Interpolation.Linear);
        var expected = Resample.ToGrid(image.Data, image.Shape, image.Affine, image.Shape, Affine.Multiply(shift, image.Affine), Interpolation.Linear);
        Assert.Equal(expected, warped);
    }

    [Fact]
    [Trait(Category.Name, Category.Slow)]
    public void Nibabel_reads_a_displacement_field_as_a_5d_vector_image_in_mm()
    {
        using var folder = new TempFolder();
        var (image, _, _) = Blob();
        double[] shift = [1, 0, 0, 4, 0, 1, 0, -2, 0, 0, 1, 0.5, 0, 0, 0, 1];
        var field = DisplacementField.Compose(image, null, [1, 1, 1], Affine.Identity(), shift);
        NiftiWriter.Write(folder["field.nii.gz"], field.ToNifti(), NiftiDatatype.Float32, "field", NiftiWriter.VectorIntent);
        var script = """
            import sys, nibabel as nib, numpy as np
            img = nib.load(sys.argv[1])
            d = np.asarray(img.dataobj)
            print(img.header.get_intent()[0], " ".join(str(s) for s in d.shape))
            print(" ".join(repr(float(v)) for v in d[3, 4, 5, 0, :]))
            print(" ".join(repr(float(v)) for v in img.header.get_zooms()[:3]))
            """;
        var lines = DebianPython.Run("python3-nibabel", script, folder["field.nii.gz"]);
        Assert.Equal("vector 24 24 24 1 3", lines[0]);
        Assert.Equal([4.0, -2.0, 0.5], lines[1].Split(' ').Select(double.Parse));
        Assert.Equal([2.0, 2.0, 2.0], lines[2].Split(' ').Select(double.Parse));

        // LabelFree reads its own field back: the vector axis becomes the volume axis.
        var read = NiftiReader.Read(folder["field.nii.gz"]);
        Assert.Equal([24, 24, 24, 3], read.Shape);
        Assert.Equal([4f, -2f, 0.5f], Enumerable.Range(0, 3).Select(c => read[3, 4, 5, c]));
    }
}
