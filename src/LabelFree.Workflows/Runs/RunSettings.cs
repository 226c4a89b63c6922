using LabelFree.Core.Torch;
using static TorchSharp.torch;

namespace LabelFree.Workflows.Runs;

/// <summary>Where a workflow writes, its seed, and the device and threads it computes with.</summary>
public sealed record RunSettings(string Out, long Seed = 0, ComputeDevice Device = ComputeDevice.Cpu, int? Threads = null)
{
    /// <summary>The device name written to config.json.</summary>
    public string DeviceName => Device.ToString().ToLowerInvariant();

    /// <summary>Starts TorchSharp on the device with the threads (idempotent) and returns the torch device.</summary>
    public Device StartTorch() => TorchRuntime.Start(Device, Threads);

    /// <summary>The same settings writing into <paramref name="folder"/> instead.</summary>
    public RunSettings In(string folder) => this with { Out = folder };
}
