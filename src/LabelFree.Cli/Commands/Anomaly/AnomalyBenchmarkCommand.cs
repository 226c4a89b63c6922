using System.CommandLine;
using System.Globalization;
using LabelFree.Cli.Options;
using LabelFree.Data.Imaging;
using LabelFree.Learning.Methods.Strega;
using LabelFree.Workflows.Anomaly;
using LabelFree.Workflows.Imaging;

namespace LabelFree.Cli.Commands.Anomaly;

/// <summary><c>anomaly benchmark</c>: every method and two baselines on the same scans, thresholds fixed on healthy brains (<see cref="AnomalyBenchmark"/>).</summary>
public static class AnomalyBenchmarkCommand
{
    /// <summary>How maps are scored: one-signed, two-signed or both.</summary>
    public enum SignChoice
    {
        Both,
        One,
        Two,
    }

    public static Command Create()
    {
        var defaults = new AnomalyBenchmarkSettings([], null, [], [], null, []);
        var train = new Option<string[]>("--train") { Description = "Healthy training scans: NIfTI files or folders", Required = true, AllowMultipleArgumentsPerToken = true };
        var trainMasks = new Option<string[]>("--train-masks") { Description = "Their brain masks (default: non-zero voxels)", AllowMultipleArgumentsPerToken = true }
            .Sets("train_brain_masks");
        var test = new Option<string[]>("--test") { Description = "Test sets: each a folder (or file) of scans with lesions", Required = true, AllowMultipleArgumentsPerToken = true };
        var masks = new Option<string[]>("--masks")
        {
            Description = "Lesion masks: a folder (pairing by file name) per test set, or a file per scan; the value is the lesion kind (1 any, 2 darker, 3 brighter, 4 textured)",
            Required = true, AllowMultipleArgumentsPerToken = true,
        }.Sets("lesion_masks");
        var brainMasks = new Option<string[]>("--brain-masks") { Description = "Test brain masks, as --masks (default: non-zero voxels)", AllowMultipleArgumentsPerToken = true }
            .Sets(BrainMask.BrainMaskSetting);
        var methods = new Option<string[]>("--methods")
        {
            Description = "Trained methods beside the two baselines", AllowMultipleArgumentsPerToken = true,
            DefaultValueFactory = _ => Enum.GetNames<AnomalyMethod>().Select(n => n.ToLowerInvariant()).ToArray(),
        }.OneOf(Enum.GetNames<AnomalyMethod>().Select(n => n.ToLowerInvariant()).ToArray());
        var steps = new Option<long>("--steps") { Description = $"Training steps of each method (default {defaults.Steps})", DefaultValueFactory = _ => defaults.Steps }
            .Positive().Sets("max_steps");
        var fpr = new Option<double>("--false-positive-rate")
        {
            Description = $"Thresholds flag this fraction of healthy validation brain voxels (default {defaults.FalsePositiveRate})", DefaultValueFactory = _ => defaults.FalsePositiveRate,
        }.PositiveFinite();
        var copies = new Option<int>("--validation-copies")
        {
            Description = $"Healthy validation brains: deformed copies of each training scan (default {defaults.ValidationCopies})", DefaultValueFactory = _ => defaults.ValidationCopies,
        }.Positive();
        var minVolumes = new Option<int>("--min-volumes")
        {
            Description = $"Training volumes: the scans plus deformed copies up to this many (default {defaults.MinVolumes})", DefaultValueFactory = _ => defaults.MinVolumes,
        }.Positive();
        var sign = Flags.Choice("--sign", "Score maps one-signed (darker than expected only), two-signed (absolute), or both", SignChoice.Both);
        var run = new RunOptions("Benchmark folder");
        var command = new Command("benchmark", "Train every method and two baselines on healthy scans; thresholds on healthy brains; Dice, AUROC, AP and lesion detection per kind")
        {
            train, trainMasks, test, masks, brainMasks, methods, steps, fpr, copies, minVolumes, sign,
        };
        run.AddTo(command);
        command.SetAction(r =>
        {
            var settings = run.Read(r);
            IReadOnlyList<ResidualSign> signs = r.GetValue(sign) switch
            {
                SignChoice.One => [ResidualSign.Signed],
                SignChoice.Two => [ResidualSign.Absolute],
                _ => [ResidualSign.Signed, ResidualSign.Absolute],
            };
            var result = AnomalyBenchmark.Run(new AnomalyBenchmarkSettings(ScanList.Expand(r.GetValue(train)!, "train"), r.GetValue(trainMasks), r.GetValue(test)!,
                r.GetValue(masks)!, r.GetValue(brainMasks), r.GetValue(methods)!.Select(m => Enum.Parse<AnomalyMethod>(m, ignoreCase: true)).ToList(), r.GetValue(steps),
                r.GetValue(fpr), r.GetValue(copies), r.GetValue(minVolumes), signs), settings, new ConsoleProgress());
            foreach (var row in result.Rows)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{row.TestSet}\t{row.Method} ({row.Sign}-signed): Dice {row.Dice:F3} AUROC {row.Auroc:F3} AP {row.AveragePrecision:F3} detected {row.DetectionRate:F2}"));
            Console.WriteLine($"wrote {settings.Out}/metrics.json, table.md, table.tsv, cases.tsv, figures/maps.png");
            return CommandLine.Ok;
        });
        return command;
    }
}
