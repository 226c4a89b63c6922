using System.Reflection;
using System.Runtime.InteropServices;
using LabelFree.Core.Errors;
using TorchSharp;
using static TorchSharp.torch;

namespace LabelFree.Core.Torch;

/// <summary>
/// Starts TorchSharp once per process: loads the native fix for older libstdc++ (build/native), and for CUDA the
/// libraries of an existing PyTorch install named by <see cref="TorchLibVariable"/>. Every entry point calls
/// <see cref="Start"/> before its first tensor.
/// </summary>
public static class TorchRuntime
{
    /// <summary>The environment variable naming a CUDA PyTorch install's lib folder (the folder holding libtorch_cuda.so).</summary>
    public const string TorchLibVariable = "LABELFREE_TORCH_LIB";

    private const string CompatLibrary = "libglibcxx_compat.so";
    private const string NativeMarker = "labelfree-native.txt";

    // PyTorch's libraries in dependency order, then TorchSharp's shim (GPU.md).
    private static readonly string[] CudaLibraries = ["libc10.so", "libtorch_cpu.so", "libc10_cuda.so", "libtorch_cuda.so", "libtorch.so"];

    private static readonly Lock Gate = new();
    private static bool _nativeLoaded;
    private static bool _cudaLoaded;

    /// <summary>Prepares TorchSharp for <paramref name="device"/> and returns the torch device to use.</summary>
    /// <param name="threads">Intra-op threads; null keeps LibTorch's default (one per physical core).</param>
    public static Device Start(ComputeDevice device = ComputeDevice.Cpu, int? threads = null)
    {
        if (threads is <= 0) throw new SettingException("threads", $"expected a positive number, got {threads}");
        lock (Gate)
        {
            HeapTuning.Apply();
            LoadNativeFix();
            if (device == ComputeDevice.Cuda) LoadCuda();
            else InitializeDeviceType(DeviceType.CPU);
            if (threads is { } n) set_num_threads(n);
            return device == ComputeDevice.Cuda ? CUDA : CPU;
        }
    }

    /// <summary>The folder where the build put TorchSharp's native libraries.</summary>
    public static string NativeFolder
    {
        get
        {
            var baseDir = AppContext.BaseDirectory;
            var runtimes = Path.Combine(baseDir, "runtimes", "linux-x64", "native");
            return Directory.Exists(runtimes) ? runtimes : baseDir;
        }
    }

    /// <summary>Which path the build's native step took (build/native/torchsharp-native.sh), in one line.</summary>
    public static string NativeFixStatus
    {
        get
        {
            if (!OperatingSystem.IsLinux()) return "not needed: not Linux";
            var marker = Path.Combine(NativeFolder, NativeMarker);
            return File.Exists(marker) ? File.ReadAllText(marker).Trim() : "none: the build recorded no native step";
        }
    }

    public static string TorchSharpVersion =>
        typeof(torch).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(torch).Assembly.GetName().Version?.ToString() ?? "unknown";

    /// <summary>The LibTorch version TorchSharp runs on (after <see cref="Start"/>).</summary>
    public static string LibTorchVersion => __version__;

    private static void LoadNativeFix()
    {
        if (_nativeLoaded || !OperatingSystem.IsLinux()) return;
        var compat = Path.Combine(NativeFolder, CompatLibrary);
        if (File.Exists(compat)) NativeLoader.LoadGlobal(compat);
        _nativeLoaded = true;
    }

    private static void LoadCuda()
    {
        if (_cudaLoaded) return;
        var folder = Environment.GetEnvironmentVariable(TorchLibVariable);
        if (string.IsNullOrWhiteSpace(folder))
            throw new SettingException("device",
                $"cuda: set {TorchLibVariable} to the lib folder of a CUDA PyTorch install " +
                "(python3 -c \"import torch,os;print(os.path.join(os.path.dirname(torch.__file__),'lib'))\")");
        if (!File.Exists(Path.Combine(folder, "libtorch_cuda.so")))
            throw new UserInputException($"{TorchLibVariable}={folder}: no libtorch_cuda.so there; name the lib folder of a CUDA PyTorch install");
        foreach (var library in CudaLibraries)
        {
            var path = Path.Combine(folder, library);
            if (File.Exists(path)) NativeLibrary.Load(path);
        }
        NativeLibrary.Load(Path.Combine(NativeFolder, "libLibTorchSharp.so"));
        InitializeDeviceType(DeviceType.CUDA);
        if (!cuda.is_available())
            throw new SettingException("device", $"cuda: PyTorch's libraries in {folder} loaded, but no CUDA device is available");
        _cudaLoaded = true;
    }
}
