using LabelFree.Core.Randomness;
using LabelFree.Data.Imaging;
using LabelFree.Data.Tiles;
using LabelFree.TestKit;

namespace LabelFree.Data.Tests.Tiles;

public class TileTests
{
    private static TileImage Gradient(int channels, int height, int width) =>
        new("g", channels, height, width, Enumerable.Range(0, channels * height * width).Select(i => (float)(i % (height * width)) / (height * width)).ToArray());

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_view_depends_only_on_its_random_stream_and_stays_in_range(bool mri)
    {
        var image = Gradient(mri ? 1 : 3, 40, 30);
        var augmentation = mri ? ViewAugmentation.SimclrMri(16) : ViewAugmentation.Simclr(16);
        var a = augmentation.Apply(image, new Rng(7));
        var b = augmentation.Apply(image, new Rng(7));
        var c = augmentation.Apply(image, new Rng(8));
        Assert.Equal(image.Channels * 16 * 16, a.Length);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.All(a, v => Assert.InRange(v, 0f, 1f));
    }

    [Fact]
    public void Resizing_the_whole_image_to_its_own_size_changes_nothing_and_a_flip_reverses_rows()
    {
        var image = Gradient(3, 8, 8);
        Assert.Equal(image.Pixels, ImageOps.Resize(image, 0, 0, 8, 8, 8));
        var flipped = (float[])image.Pixels.Clone();
        ImageOps.FlipHorizontal(flipped, 3, 8);
        Assert.Equal(image[1, 2, 0], flipped[(1 * 8 + 2) * 8 + 7]);
    }

    [Fact]
    public void Solarisation_inverts_bright_pixels_and_greyscale_makes_channels_equal()
    {
        float[] view = [0.2f, 0.5f, 0.9f];
        ImageOps.Solarize(view);
        Assert.Equal((0.2f, 0.5f), (view[0], view[1]));
        Assert.Equal(0.1f, view[2], 6);
        var rgb = Gradient(3, 4, 4).Pixels;
        ImageOps.Greyscale(rgb, 4);
        Assert.Equal(rgb[..16], rgb[16..32]);
    }

    [Fact]
    public void Png_files_read_back_what_was_written()
    {
        using var folder = new TempFolder();
        var image = new TileImage("x", 3, 5, 7, Enumerable.Range(0, 105).Select(i => (i * 37 % 256) / 255f).ToArray());
        Directory.CreateDirectory(Path.Combine(folder.Path, "cats"));
        var path = Path.Combine(folder.Path, "cats", "a.png");
        ImageFiles.WritePng(path, image);
        var read = Assert.Single(ImageFiles.Read(folder.Path));
        Assert.Equal("cats", read.Label);
        Assert.Equal((3, 5, 7), (read.Channels, read.Height, read.Width));
        for (var i = 0; i < 105; i++) Assert.Equal(image.Pixels[i], read.Pixels[i], 3);
    }

    [Fact]
    [Trait(Category.Name, Category.Slow)]
    public void Brain_patches_of_the_two_hemispheres_share_no_voxel_and_carry_their_lobe()
    {
        var names = AtlasLabels.Read(RepoData.File("imaging/aal.nii.txt"));
        var sampling = new PatchSampling(Size: 24, Stride: 8, Grouping: AtlasGrouping.Lobe);
        var left = VolumePatches.Sample(RepoData.File("imaging/ch2bet.nii.gz"), RepoData.File("imaging/aal.nii.gz"), names, sampling with { Side = Hemisphere.Left }, seed: 1);
        var right = VolumePatches.Sample(RepoData.File("imaging/ch2bet.nii.gz"), RepoData.File("imaging/aal.nii.gz"), names, sampling with { Side = Hemisphere.Right }, seed: 1);
        Assert.True(left.Count > 200 && right.Count > 200, $"{left.Count} left, {right.Count} right");
        Assert.All(left, p => Assert.True(p.Position![0] <= -12));
        Assert.All(right, p => Assert.True(p.Position![0] >= 12));
        var lobes = left.Select(p => p.Label!).Distinct().ToHashSet();
        Assert.Superset(new HashSet<string> { "frontal", "parietal", "temporal", "occipital", "cerebellum" }, lobes);
        Assert.DoesNotContain("other", lobes);
        Assert.Equal(lobes.Order(), right.Select(p => p.Label!).Distinct().Order());

        var mirrored = VolumePatches.Sample(RepoData.File("imaging/ch2bet.nii.gz"), null, null, sampling with { Side = Hemisphere.Right, Mirror = true, MaxPatches = 5 }, seed: 1);
        var plain = VolumePatches.Sample(RepoData.File("imaging/ch2bet.nii.gz"), null, null, sampling with { Side = Hemisphere.Right, MaxPatches = 5 }, seed: 1);
        Assert.Equal(plain[0].Id, mirrored[0].Id);
        Assert.Equal(plain[0][0, 3, 0], mirrored[0][0, 3, 23]);
        Assert.NotEqual(plain[0].Pixels, mirrored[0].Pixels);
    }

    [Fact]
    public void Tiling_cuts_whole_tiles_from_the_top_left_and_keeps_the_source_as_group()
    {
        var image = Gradient(3, 10, 7);
        var tiles = ImageTiling.Grid(image with { Label = "slide" }, 3).ToList();
        Assert.Equal(3 * 2, tiles.Count);
        Assert.All(tiles, t => Assert.Equal(("slide", "g"), (t.Label, t.Group)));
        Assert.Equal(image[2, 3, 3], tiles[3][2, 0, 0]);
    }

    [Fact]
    public void Visium_tiles_are_cut_around_each_spot_on_tissue()
    {
        var visium = VisiumSpots.Read(RepoData.File("singlecell/visium_mouse_brain/spatial"));
        var tiles = visium.Tiles(16);
        Assert.Equal(visium.Spots.Count(s => s.InTissue), tiles.Count);
        Assert.All(tiles, t => Assert.Equal((3, 16, 16), (t.Channels, t.Height, t.Width)));
        Assert.InRange(visium.SpotDiameterLowres, 3, 8);
        Assert.True(tiles.Average(t => t.Pixels.Average()) < 0.95, "tiles on tissue are not all white");
    }
}
