using System.Text;
using LabelFree.Core.Errors;
using LabelFree.Core.Models;
using LabelFree.TestKit;
using static TorchSharp.torch;

namespace LabelFree.Core.Tests.Models;

public class SafetensorsTests
{
    [Fact]
    public void Round_trips_names_shapes_dtypes_and_values()
    {
        _ = TestTorch.Cpu;
        using var folder = new TempFolder();
        using var a = arange(12, ScalarType.Float32).reshape(3, 4);
        using var b = tensor(new long[] { -1, 0, 5 });
        using var c = tensor(new double[] { Math.PI });
        Safetensors.Save(folder["w.safetensors"], new Dictionary<string, Tensor> { ["a.weight"] = a, ["b"] = b, ["c"] = c },
            new Dictionary<string, string> { ["format"] = "pt" });

        var loaded = Safetensors.Load(folder["w.safetensors"]);

        Assert.Equal([3L, 4], loaded["a.weight"].shape);
        Assert.Equal(a.data<float>().ToArray(), loaded["a.weight"].data<float>().ToArray());
        Assert.Equal(ScalarType.Int64, loaded["b"].dtype);
        Assert.Equal([-1L, 0, 5], loaded["b"].data<long>().ToArray());
        Assert.Equal(Math.PI, loaded["c"].data<double>()[0]);
        Assert.Equal("pt", Safetensors.ReadMetadata(folder["w.safetensors"])["format"]);
    }

    [Fact]
    public void Writes_the_layout_that_the_format_specifies()
    {
        _ = TestTorch.Cpu;
        using var folder = new TempFolder();
        using var x = tensor(new float[] { 1f, 2f });
        Safetensors.Save(folder["x.safetensors"], new Dictionary<string, Tensor> { ["x"] = x });

        var bytes = File.ReadAllBytes(folder["x.safetensors"]);
        var headerLength = (int)BitConverter.ToUInt64(bytes, 0);
        var header = Encoding.UTF8.GetString(bytes, 8, headerLength).TrimEnd();
        Assert.Equal(0, headerLength % 8);
        Assert.Equal("""{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""", header);
        Assert.Equal(BitConverter.GetBytes(1f).Concat(BitConverter.GetBytes(2f)), bytes[(8 + headerLength)..]);
    }

    [Theory]
    [InlineData(new byte[] { 1, 2, 3 }, "shorter than")]
    [InlineData(new byte[] { 255, 255, 255, 255, 0, 0, 0, 0, 1 }, "exceeds the file")]
    [InlineData(new byte[] { 2, 0, 0, 0, 0, 0, 0, 0, (byte)'{', (byte)'x' }, "not JSON")]
    public void A_corrupt_file_is_a_user_error_naming_it(byte[] content, string problem)
    {
        using var folder = new TempFolder();
        File.WriteAllBytes(folder["bad.safetensors"], content);
        var error = Assert.Throws<UserInputException>(() => Safetensors.Load(folder["bad.safetensors"]));
        Assert.StartsWith(folder["bad.safetensors"], error.Message);
        Assert.Contains(problem, error.Message);
    }
}
