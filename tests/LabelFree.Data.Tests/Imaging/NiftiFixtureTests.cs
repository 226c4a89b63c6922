using System.Text.Json;
using LabelFree.Data.Imaging;

namespace LabelFree.Data.Tests.Imaging;

/// <summary>Files written by nibabel (Fixtures/nifti/make_fixtures.py) read with nibabel's shape, affine and values.</summary>
public class NiftiFixtureTests
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "Fixtures", "nifti");

    public static TheoryData<string> Names => new(JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "expected.json"))).RootElement
        .EnumerateObject().Select(p => p.Name));

    [Theory]
    [MemberData(nameof(Names))]
    public void Reads_what_nibabel_wrote_as_nibabel_reads_it(string name)
    {
        var expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "expected.json"))).RootElement.GetProperty(name);
        var image = NiftiReader.Read(Path.Combine(Folder, name));

        var shape = expected.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        Assert.Equal(shape, image.Shape.Take(shape.Length));
        var affine = expected.GetProperty("affine").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.All(affine.Zip(image.Affine), p => Assert.Equal(p.First, p.Second, 4));
        var values = expected.GetProperty("values").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(values.Length, image.Data.Length);
        Assert.All(values.Zip(image.Data), p => Assert.Equal(p.First, p.Second, Math.Max(1e-5, Math.Abs(p.First) * 1e-6)));
    }
}
