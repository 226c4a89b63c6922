using LabelFree.Data.Imaging;
using LabelFree.TestKit;

namespace LabelFree.Data.Tests.Imaging;

/// <summary>Files LabelFree writes must read back identically in nibabel (Debian's python3-nibabel, installed by .ci/run).</summary>
public class NibabelTests
{
    [Fact]
    [Trait(Category.Name, Category.Slow)]
    public void Nibabel_reads_our_files_with_the_same_data_and_affine()
    {
        using var folder = new TempFolder();
        var data = Enumerable.Range(0, 5 * 4 * 3).Select(i => (float)Math.Sin(i)).ToArray();
        double[] affine = [0, -2, 0, 10, 2, 0, 0, -5, 0, 0, -3, 7, 0, 0, 0, 1];
        NiftiWriter.Write(folder["w.nii.gz"], NiftiImage.Create([5, 4, 3], data, [2, 2, 3], affine));

        var script = """
            import sys, nibabel as nib, numpy as np
            img = nib.load(sys.argv[1])
            print(" ".join(repr(float(v)) for v in img.affine.ravel()))
            print(" ".join(repr(float(v)) for v in np.asarray(img.dataobj).ravel(order="F")))
            print(int(img.header["qform_code"]), " ".join(repr(float(v)) for v in img.get_qform().ravel()))
            """;
        var lines = DebianPython.Run("python3-nibabel", script, folder["w.nii.gz"]);

        Assert.Equal(affine, lines[0].Split(' ').Select(double.Parse).Select(v => Math.Round(v, 5) + 0.0));
        Assert.Equal(data, lines[1].Split(' ').Select(float.Parse));
        var qform = lines[2].Split(' ');
        Assert.Equal("2", qform[0]);
        Assert.Equal(affine, qform.Skip(1).Select(double.Parse).Select(v => Math.Round(v, 4) + 0.0));
    }
}
