using System.CommandLine;
using System.Globalization;
using System.Text;
using LabelFree.Analysis.Metrics;
using LabelFree.Core.Errors;
using LabelFree.Core.IO;
using LabelFree.Core.Progress;
using LabelFree.Core.Torch;
using LabelFree.Learning.Registration;

namespace LabelFree.Cli.Commands.Register;

public sealed record RegisterEvalSettings(string? Model, bool AffineOnly, string Pairs, string Out, ComputeDevice Device, int? Threads,
    int? Refine = null);

/// <summary>One evaluated pair.</summary>
public sealed record PairScore(string Fixed, string Moving, double MeanDice, double FoldingFraction, double Seconds, IReadOnlyDictionary<int, double> Dice);

/// <summary>What <c>register eval</c> writes to summary.json (means over pairs).</summary>
public sealed record RegisterEvalSummary(string Method, int Pairs, double MeanDice, double MeanFoldingFraction, double MaxFoldingFraction, double MeanSeconds, int Threads,
    int RefineSteps);

/// <summary>
/// <c>register eval</c>: registers every pair of a pairs file (affine + model, or the affine alone with --affine-only)
/// and scores the moving labels warped onto the fixed ones: Dice per label (labels of at least 100 fixed voxels) and its mean, the fraction of brain voxels
/// with a non-positive Jacobian determinant, and seconds per pair (registration only, at the fixed scan's resolution).
/// Writes pairs.tsv, labels.tsv and summary.json.
/// </summary>
public static class RegisterEvalCommand
{
    /// <summary>Labels with fewer voxels than this in the fixed map are not scored (stray voxels of a class make Dice noise).</summary>
    public const int MinLabelVoxels = 100;

    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Model folder written by register train (RUN/model)" };
        var affineOnly = new Option<bool>("--affine-only") { Description = "Score the affine registration alone (the baseline)" };
        var pairs = new Option<string>("--pairs") { Description = "Tab-separated pairs file: fixed, moving, fixed_labels, moving_labels[, fixed_mask, moving_mask, affine]", Required = true };
        var output = new Option<string>("--out") { Description = "Output folder", Required = true };
        var refine = Refinement.Option();
        var device = CommonOptions.Device();
        var threads = CommonOptions.Threads();
        var command = new Command("eval", "Dice, folding and time per pair of a registration model (or the affine alone) on labelled pairs")
        {
            model, affineOnly, pairs, output, refine, device, threads,
        };
        command.SetAction(r => Run(new RegisterEvalSettings(r.GetValue(model), r.GetValue(affineOnly), r.GetValue(pairs)!, r.GetValue(output)!,
            r.GetValue(device), r.GetValue(threads), r.GetValue(refine)), Console.Out, new ConsoleProgress()));
        return command;
    }

    public static int Run(RegisterEvalSettings settings, TextWriter output, IProgressReporter progress)
    {
        if (settings.Model is null == !settings.AffineOnly) throw new UserInputException("register eval: give --model or --affine-only (one of them)");
        var refine = Refinement.Resolve(settings.Refine, settings.Model is not null);
        var device = TorchRuntime.Start(settings.Device, settings.Threads);
        var rows = RegistrationFiles.ReadPairs(settings.Pairs);
        using var model = settings.Model is null ? null : DeformableModels.Load(settings.Model, device);
        var method = model?.Method ?? "affine";
        var scores = new List<PairScore>();
        foreach (var row in rows)
        {
            var (fixedImage, fixedMask) = RegistrationFiles.Scan(row.Fixed, row.FixedMask, "--pairs fixed");
            var (moving, movingMask) = RegistrationFiles.Scan(row.Moving, row.MovingMask, "--pairs moving");
            var fixedLabels = RegistrationFiles.Labels(row.FixedLabels!, fixedImage, "--pairs fixed_labels");
            var movingLabels = RegistrationFiles.Labels(row.MovingLabels!, moving, "--pairs moving_labels");
            var pair = PairRegistration.Run(model, fixedImage, fixedMask, moving, movingMask, movingLabels, Learning.Registration.AffineOptions.Default,
                row.Affine is null ? null : RegistrationFiles.ReadAffine(row.Affine), device, refine);
            var dice = RegistrationMetrics.DicePerLabel(pair.WarpedLabels!, fixedLabels.Data, MinLabelVoxels);
            var folding = RegistrationMetrics.FoldingFraction(RegistrationFiles.Jacobian(pair.Field), fixedMask);
            var score = new PairScore(row.Fixed, row.Moving, dice.Values.DefaultIfEmpty(0).Average(), folding, pair.Seconds, dice);
            scores.Add(score);
            progress.Info($"  {Path.GetFileName(row.Moving)} -> {Path.GetFileName(row.Fixed)}: Dice {score.MeanDice:F3}, folding {100 * folding:F3}%, {pair.Seconds:F1} s");
        }

        Directory.CreateDirectory(settings.Out);
        var summary = new RegisterEvalSummary(method, scores.Count, scores.Average(s => s.MeanDice), scores.Average(s => s.FoldingFraction),
            scores.Max(s => s.FoldingFraction), scores.Average(s => s.Seconds), settings.Threads ?? TorchSharp.torch.get_num_threads(),
            refine?.Steps ?? 0);
        Json.Write(Path.Combine(settings.Out, "summary.json"), summary);
        var pairsTsv = new StringBuilder("fixed\tmoving\tmean_dice\tfolding_fraction\tseconds\n");
        var labelsTsv = new StringBuilder("fixed\tmoving\tlabel\tdice\n");
        foreach (var s in scores)
        {
            pairsTsv.Append(CultureInfo.InvariantCulture, $"{s.Fixed}\t{s.Moving}\t{s.MeanDice:F5}\t{s.FoldingFraction:G6}\t{s.Seconds:F3}\n");
            foreach (var (label, value) in s.Dice) labelsTsv.Append(CultureInfo.InvariantCulture, $"{s.Fixed}\t{s.Moving}\t{label}\t{value:F5}\n");
        }
        AtomicFile.WriteAllText(Path.Combine(settings.Out, "pairs.tsv"), pairsTsv.ToString());
        AtomicFile.WriteAllText(Path.Combine(settings.Out, "labels.tsv"), labelsTsv.ToString());
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{method}: {scores.Count} pairs, mean Dice {summary.MeanDice:F4}, folding {100 * summary.MeanFoldingFraction:F4}% (max {100 * summary.MaxFoldingFraction:F4}%), {summary.MeanSeconds:F2} s per pair"));
        return CommandLine.Ok;
    }
}
