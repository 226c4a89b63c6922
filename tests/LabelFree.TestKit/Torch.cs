using LabelFree.Core.Torch;
using static TorchSharp.torch;

namespace LabelFree.TestKit;

/// <summary>Starts TorchSharp for tests: CPU, two threads, so results are reproducible on any CI machine.</summary>
public static class TestTorch
{
    private static readonly Lazy<Device> Started = new(() => TorchRuntime.Start(ComputeDevice.Cpu, threads: 2));

    public static Device Cpu => Started.Value;
}
