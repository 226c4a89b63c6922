using System.Diagnostics;
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

        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("""
            import sys, nibabel as nib, numpy as np
            c = nib.as_closest_canonical(nib.load(sys.argv[1]))
            d = np.asarray(c.dataobj, dtype=float)
            print(" ".join(str(s) for s in c.shape))
            print(" ".join(repr(float(v)) for v in c.affine.ravel()))
            print(float(d.sum()), float((d * np.arange(d.shape[0])[:, None, None]).sum()), float((d * np.arange(d.shape[2])[None, None, :]).sum()))
            """);
        start.ArgumentList.Add(path);
        using var process = Process.Start(start)!;
        var lines = process.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, process.StandardError.ReadToEnd());

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
