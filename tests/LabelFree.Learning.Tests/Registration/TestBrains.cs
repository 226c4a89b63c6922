using LabelFree.Data.Imaging;

namespace LabelFree.Learning.Tests.Registration;

/// <summary>Tiny synthetic brains for the registration data tests.</summary>
internal static class TestBrains
{
    /// <summary>A textured ellipsoid on a 40x36x32 grid of 2 mm, and its mask.</summary>
    public static (NiftiImage Image, bool[] Mask) Ellipsoid()
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
}
