using LabelFree.Core.Errors;
using LabelFree.Core.Torch;
using LabelFree.TestKit;
using static TorchSharp.torch;

namespace LabelFree.Core.Tests;

public class TorchRuntimeTests
{
    [Fact]
    public void TorchSharp_loads_and_multiplies_matrices()
    {
        _ = TestTorch.Cpu;
        using var a = tensor(new float[] { 1, 2, 3, 4 }, [2, 2]);
        using var product = a.matmul(a);
        Assert.Equal(new float[] { 7, 10, 15, 22 }, product.data<float>().ToArray());
    }

    [Fact]
    public void Runs_on_LibTorch_2_10()
    {
        _ = TestTorch.Cpu;
        Assert.StartsWith("2.10", TorchRuntime.LibTorchVersion);
    }

    [Fact]
    public void Build_recorded_which_native_path_it_took()
    {
        Assert.Matches("^(patched|not needed)", TorchRuntime.NativeFixStatus);
    }

    [Fact]
    public void Cuda_without_a_torch_library_folder_is_a_user_error()
    {
        var saved = Environment.GetEnvironmentVariable(TorchRuntime.TorchLibVariable);
        try
        {
            Environment.SetEnvironmentVariable(TorchRuntime.TorchLibVariable, null);
            var error = Assert.ThrowsAny<UserInputException>(() => TorchRuntime.Start(ComputeDevice.Cuda));
            Assert.Contains(TorchRuntime.TorchLibVariable, error.Message);

            Environment.SetEnvironmentVariable(TorchRuntime.TorchLibVariable, "/nonexistent/torch/lib");
            error = Assert.ThrowsAny<UserInputException>(() => TorchRuntime.Start(ComputeDevice.Cuda));
            Assert.Contains("libtorch_cuda.so", error.Message);
        }
        finally
        {
            Environment.SetEnvironmentVariable(TorchRuntime.TorchLibVariable, saved);
        }
    }

    [Theory]
    [InlineData("cpu", ComputeDevice.Cpu)]
    [InlineData("CUDA", ComputeDevice.Cuda)]
    public void Parses_device_names(string text, ComputeDevice expected) => Assert.Equal(expected, ComputeDeviceParser.Parse(text));

    [Fact]
    public void Rejects_unknown_device_naming_the_setting()
    {
        var error = Assert.Throws<SettingException>(() => ComputeDeviceParser.Parse("tpu"));
        Assert.Equal("device", error.Setting);
        Assert.Equal("device: expected cpu or cuda, got 'tpu'", error.Message);
    }
}
