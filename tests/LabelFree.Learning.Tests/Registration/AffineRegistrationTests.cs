using LabelFree.Data.Imaging;
using LabelFree.Learning.Registration;
using LabelFree.TestKit;

namespace LabelFree.Learning.Tests.Registration;

public class AffineRegistrationTests
{
    [Fact]
    public void Affine_registration_recovers_a_known_rotation_and_translation()
    {
        // A textured ellipsoid "brain" at 3 mm.
        const int n = 40;
        var data = new float[n * n * n];
        for (var i = 0; i < data.Length; i++)
        {
            int x = i % n, y = i / n % n, z = i / (n * n);
            var r = Math.Pow((x - 20) / 14.0, 2) + Math.Pow((y - 19) / 16.0, 2) + Math.Pow((z - 21) / 12.0, 2);
            data[i] = r < 1 ? (float)(0.5 + 0.25 * Math.Sin(x / 2.5) + 0.2 * Math.Cos(y / 3.0 + z / 4.0) + (r < 0.3 ? 0.3 : 0)) : 0;
        }
        var fixedImage = NiftiImage.Create([n, n, n], data, [3, 3, 3], [3, 0, 0, -60, 0, 3, 0, -57, 0, 0, 3, -63, 0, 0, 0, 1]);
        // Moving = fixed seen through a known map: moving(T^-1 x) = fixed(x), i.e. fixed-to-moving world map T.
        var angle = 6 * Math.PI / 180;
        double[] truth = [Math.Cos(angle), -Math.Sin(angle), 0, 5, Math.Sin(angle), Math.Cos(angle), 0, -4, 0, 0, 1, 3, 0, 0, 0, 1];
        var movingData = Resample.ToGrid(data, [n, n, n], fixedImage.Affine, [n, n, n], Affine.Multiply(Affine.Invert(truth), fixedImage.Affine), Interpolation.Linear);
        var moving = fixedImage.WithData(movingData);
        var fixedMask = data.Select(v => v > 0).ToArray();
        var movingMask = movingData.Select(v => v > 0).ToArray();

        var result = AffineRegistration.Register(fixedImage, fixedMask, moving, movingMask, new AffineOptions([6.0, 3.0], Iterations: 80), TestTorch.Cpu);

        // Compare where the maps send points of the brain (within 1.5 mm, half a voxel).
        foreach (var (px, py, pz) in new[] { (0.0, 0.0, 0.0), (30.0, 0.0, 0.0), (0.0, 30.0, 10.0), (-25.0, -20.0, -15.0) })
        {
            var expected = Affine.Apply(truth, px, py, pz);
            var actual = Affine.Apply(result.FixedToMoving, px, py, pz);
            var distance = Math.Sqrt(Math.Pow(expected.X - actual.X, 2) + Math.Pow(expected.Y - actual.Y, 2) + Math.Pow(expected.Z - actual.Z, 2));
            Assert.True(distance < 1.5, $"point ({px}, {py}, {pz}) is {distance:F2} mm off");
        }
        Assert.True(result.FinalNcc > 0.95);
    }
}
