using LabelFree.Data.Imaging;
using LabelFree.Core.Randomness;

namespace LabelFree.Data.Tests.Imaging;

public class MorphologyTests
{
    [Fact]
    public void Otsu_separates_two_well_separated_modes()
    {
        var rng = new Rng(1);
        var values = Enumerable.Range(0, 2000).Select(i => (float)((i % 2 == 0 ? 0.2 : 0.8) + 0.03 * rng.NextGaussian())).ToArray();
        var threshold = Otsu.Threshold(values);
        // With an empty gap between the modes every split inside it is optimal; like scikit-image, the first one wins,
        // reported as the centre of the low mode's last bin.
        var binWidth = (values.Max() - values.Min()) / 256.0;
        var lowMax = values.Where((_, i) => i % 2 == 0).Max();
        Assert.InRange(threshold, lowMax - binWidth, lowMax + binWidth);
        Assert.True(values.Where((_, i) => i % 2 == 1).All(v => v > threshold), $"threshold {threshold} cuts the high mode");
    }

    [Fact]
    public void Otsu_of_a_constant_is_that_constant()
    {
        Assert.Equal(3.0, Otsu.Threshold([3f, 3f, 3f]));
    }

    [Fact]
    public void Area_opening_removes_components_smaller_than_the_area_and_keeps_the_rest()
    {
        // 6x6: a 2x2 square (4 px), a diagonal pair (two 1-px components under 4-connectivity), a 1x6 row (6 px).
        var mask = new bool[36];
        foreach (var p in new[] { 0, 1, 6, 7, 15, 22 }) mask[p] = true;
        for (var c = 0; c < 6; c++) mask[30 + c] = true;

        AreaOpening.Apply(mask, 6, 6, minArea: 4);

        Assert.Equal(new[] { 0, 1, 6, 7, 30, 31, 32, 33, 34, 35 }, Enumerable.Range(0, 36).Where(i => mask[i]));
    }

    [Fact]
    public void Ball_opening_removes_a_thin_sheet_and_keeps_a_ball_larger_than_itself()
    {
        // 24^3 at 1 mm: a one-voxel sheet (z = 4) and a ball of radius 5 mm at (12, 12, 14), opened with a 2 mm ball.
        int[] shape = [24, 24, 24];
        var mask = new bool[24 * 24 * 24];
        int Index(int x, int y, int z) => (z * 24 + y) * 24 + x;
        for (var y = 0; y < 24; y++) for (var x = 0; x < 24; x++) mask[Index(x, y, 4)] = true;
        var ball = new List<int>();
        for (var z = 0; z < 24; z++)
            for (var y = 0; y < 24; y++)
                for (var x = 0; x < 24; x++)
                    if ((x - 12) * (x - 12) + (y - 12) * (y - 12) + (z - 14) * (z - 14) <= 25) { mask[Index(x, y, z)] = true; ball.Add(Index(x, y, z)); }

        var opened = BallOpening.Apply(mask, shape, [1, 1, 1], radiusMm: 2);

        for (var y = 0; y < 24; y++) for (var x = 0; x < 24; x++) Assert.False(opened[Index(x, y, 4)]);
        Assert.True(opened.Where((o, i) => o && !mask[i]).Count() == 0, "opening added voxels");
        Assert.InRange(ball.Count(i => opened[i]) / (double)ball.Count, 0.9, 1.0);
        // Radius 2 mm on 1 x 1 x 2 mm voxels reaches 2 voxels in x and y (13 in-plane) and only the centre line in z (2 more).
        Assert.Equal(13 + 2, BallOpening.BallOffsets([1, 1, 2], 2).Count);
    }
}
