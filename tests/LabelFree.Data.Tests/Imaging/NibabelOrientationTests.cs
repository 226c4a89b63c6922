using LabelFree.Data.Imaging;
using LabelFree.TestKit;

namespace LabelFree.Data.Tests.Imaging;

public class NibabelOrientationTests
{
    [Fact]
    [Trait(Category.Name, Category.Slow)]
    public void Canonical_RAS_matches_nibabel_as_closest_canonical_on_the_ITK_head()
    {
        var path = RepoData.File("imaging/KmeansTest_T1UCharRaw.nii.gz");
        var ras = Reorient.ToRas(NiftiReader.Read(path));

        var lines = DebianPython.Run("python3-nibabel", """
            import sys, nibabel as nib, numpy as np
            c = nib.as_closest_canonical(nib.load(sys.argv[1]))
            d = np.asarray(c.dataobj, dtype=float)
            print(" ".join(str(s) for s in c.shape))
            print(" ".join(repr(float(v)) for v in c.affine.ravel()))
            print(float(d.sum()), float((d * np.arange(d.shape[0])[:, None, None]).sum()), float((d * np.arange(d.shape[2])[None, None, :]).sum()))
            """, path);

        Assert.Equal(lines[0].Split(' ').Select(int.Parse), ras.Shape);
        Assert.Equal(lines[1].Split(' ').Select(double.Parse).Select(v => Math.Round(v, 4) + 0.0), ras.Affine.Select(v => Math.Round(v, 4) + 0.0));
        // Sums weighted by the x and z index pin the axis order and flips.
        double sum = 0, byX = 0, byZ = 0;
        for (var z = 0; z < ras.Z; z++)
            for (var y = 0; y < ras.Y; y++)
                for (var x = 0; x < ras.X; x++)
                {
                    var v = ras[x, y, z];
                    sum += v;
                    byX += v * x;
                    byZ += v * z;
                }
        var expected = lines[2].Split(' ').Select(double.Parse).ToArray();
        Assert.Equal(expected, new[] { sum, byX, byZ });
    }
}
