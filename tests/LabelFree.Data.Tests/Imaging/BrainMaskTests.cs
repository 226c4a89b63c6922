using LabelFree.Core.Errors;
using LabelFree.Data.Imaging;
using LabelFree.TestKit;

namespace LabelFree.Data.Tests.Imaging;

public class BrainMaskTests
{
    [Fact]
    public void An_empty_mask_or_an_all_zero_scan_is_named_in_the_error()
    {
        using var folder = new TempFolder();
        var scan = NiftiImage.Create([4, 4, 4], Enumerable.Range(0, 64).Select(i => i % 3 == 0 ? 0f : 1f).ToArray());
        NiftiWriter.Write(folder["empty_mask.nii.gz"], NiftiImage.Create([4, 4, 4], new float[64]));

        var empty = Assert.Throws<UserInputException>(() => BrainMask.Read(folder["empty_mask.nii.gz"], scan));
        var blank = Assert.Throws<UserInputException>(() => BrainMask.FromSkullStripped(NiftiImage.Create([4, 4, 4], new float[64]), "blank.nii"));

        Assert.Equal($"{folder["empty_mask.nii.gz"]}: the brain mask is empty (no voxel above 0)", empty.Message);
        Assert.Equal("blank.nii: no voxel is above 0, so there is no brain to mask", blank.Message);
        Assert.Equal(42, BrainMask.FromSkullStripped(scan, "scan.nii").Count(v => v));
    }
}
