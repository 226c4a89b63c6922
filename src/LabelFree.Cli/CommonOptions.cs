using System.CommandLine;
using LabelFree.Core.Errors;
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
            CustomParser = result =>
            {
                try
                {
                    return ComputeDeviceParser.Parse(result.Tokens.Count > 0 ? result.Tokens[0].Value : "cpu");
                }
                catch (UserInputException e)
                {
                    result.AddError(e.Message);
                    return ComputeDevice.Cpu;
                }
            },
        };

    public static Option<int?> Threads() =>
        Positive(new Option<int?>("--threads") { Description = "CPU threads for tensor work (default: one per physical core)" });

    /// <summary>Adds a check that the option's value, when given and a number, is positive.</summary>
    public static Option<T> Positive<T>(Option<T> option)
    {
        option.Validators.Add(result =>
        {
            if (result.Tokens.Count == 1 && long.TryParse(result.Tokens[0].Value, out var value) && value <= 0)
                result.AddError($"{option.Name}: expected a positive number, got {value}");
        });
        return option;
    }
}
