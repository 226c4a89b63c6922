using System.Runtime.InteropServices;
using LabelFree.Core.Models;
using LabelFree.Core.Torch;

namespace LabelFree.Core.IO;

/// <summary>Software versions recorded with every run and model.</summary>
public sealed record Versions(string LabelFree, string TorchSharp, string LibTorch, string DotNet)
{
    public static Versions Current => new(ModelFolder.LabelFreeVersion, TorchRuntime.TorchSharpVersion, TorchRuntime.LibTorchVersion, RuntimeInformation.FrameworkDescription);
}

/// <summary>A run folder's config.json: the command, every setting, the seed, the device and the versions.</summary>
public sealed record RunConfig<TSettings>(string Command, long Seed, string Device, TSettings Settings, Versions Versions)
{
    public const string FileName = "config.json";

    public void Write(string runFolder) => Json.Write(Path.Combine(runFolder, FileName), this);
}
