using LabelFree.Core.Errors;

namespace LabelFree.Core.Torch;

/// <summary>Where tensors live: the CPU (always available) or a CUDA GPU through an existing PyTorch install.</summary>
public enum ComputeDevice
{
    Cpu,
    Cuda,
}

public static class ComputeDeviceParser
{
    /// <summary>Parses "cpu" or "cuda" (any case); anything else is a user error naming the device setting.</summary>
    public static ComputeDevice Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "cpu" => ComputeDevice.Cpu,
        "cuda" or "gpu" => ComputeDevice.Cuda,
        _ => throw new SettingException("device", $"expected cpu or cuda, got '{text}'"),
    };
}
