using System.CommandLine;
using LabelFree.Cli.Options;
using System.Runtime.InteropServices;
using LabelFree.Core.Models;
using LabelFree.Core.Torch;
using static TorchSharp.torch;

namespace LabelFree.Cli.Commands.Doctor;

/// <summary><c>labelfree doctor</c>: versions, threads, the native-library path taken, CUDA status.</summary>
public static class DoctorCommand
{
    public static Command Create()
    {
        var run = new RunOptions(outDescription: null, seed: false);
        var command = new Command("doctor", "Show versions, threads, native libraries and CUDA status");
        run.AddTo(command);
        command.SetAction(result =>
        {
            var settings = run.Read(result);
            return Run(settings.Device, settings.Threads, Console.Out);
        });
        return command;
    }

    public static int Run(ComputeDevice device, int? threads, TextWriter output)
    {
        TorchRuntime.Start(device, threads);
        var torchLib = Environment.GetEnvironmentVariable(TorchRuntime.TorchLibVariable);
        var rows = new (string, string)[]
        {
            ("LabelFree", ModelFolder.LabelFreeVersion),
            (".NET", RuntimeInformation.FrameworkDescription),
            ("OS", $"{RuntimeInformation.OSDescription} ({RuntimeInformation.OSArchitecture})"),
            ("TorchSharp", TorchRuntime.TorchSharpVersion),
            ("LibTorch", TorchRuntime.LibTorchVersion),
            ("threads", $"{get_num_threads()} intra-op, {get_num_interop_threads()} inter-op, {Environment.ProcessorCount} logical CPUs"),
            ("native fix", TorchRuntime.NativeFixStatus),
            ("native folder", TorchRuntime.NativeFolder),
            ("CUDA", CudaStatus(device, torchLib)),
        };
        foreach (var (name, value) in rows) output.WriteLine($"{name,-14} {value}");
        return CommandLine.Ok;
    }

    private static string CudaStatus(ComputeDevice device, string? torchLib)
    {
        if (device == ComputeDevice.Cuda)
            return $"available: {cuda.device_count()} device(s) through {torchLib}";
        return string.IsNullOrEmpty(torchLib)
            ? $"not requested (for --device cuda set {TorchRuntime.TorchLibVariable} to a CUDA PyTorch lib folder)"
            : $"not requested ({TorchRuntime.TorchLibVariable}={torchLib}; run 'labelfree doctor --device cuda' to check it)";
    }
}
