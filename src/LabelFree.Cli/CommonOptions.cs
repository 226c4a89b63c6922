using System.CommandLine;
using LabelFree.Core.Torch;

namespace LabelFree.Cli;

/// <summary>The options that every command takes where they apply (DESIGN.md: --out, --seed, --device, --threads).</summary>
public static class CommonOptions
{
    public static Option<string> Out(string defaultValue, string description = "Output folder") =>
        new("--out") { Description = description, DefaultValueFactory = _ => defaultValue };

    public static Option<long> Seed() =>
        new("--seed") { Description = "Random seed (data order, initial weights, augmentation)", DefaultValueFactory = _ => 0 };

    public static Option<ComputeDevice> Device() =>
        new("--device")
        {
            Description = $"cpu, or cuda through an existing PyTorch install named by {TorchRuntime.TorchLibVariable}",
            DefaultValueFactory = _ => ComputeDevice.Cpu,
            CustomParser = result => ComputeDeviceParser.Parse(result.Tokens.Count > 0 ? result.Tokens[0].Value : "cpu"),
        };

    public static Option<int?> Threads()
    {
        var option = new Option<int?>("--threads") { Description = "CPU threads for tensor work (default: one per physical core)" };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is <= 0) result.AddError("--threads: expected a positive number");
        });
        return option;
    }
}
