using System.Globalization;
using System.Text;
using LabelFree.Analysis.Metrics;
using LabelFree.Core.IO;
using LabelFree.Core.Progress;
using LabelFree.Learning.Methods.Deformable;
using LabelFree.Learning.Registration;
using LabelFree.Workflows.Runs;

namespace LabelFree.Workflows.Registration;

/// <summary>A model (null: the affine alone, the baseline), a pairs file with labels, and the refinement steps (null: the default).</summary>
public sealed record PairEvalSettings(string? Model, string Pairs, int? Refine = null);

/// <summary>One evaluated pair.</summary>
public sealed record PairScore(string Fixed, string Moving, double MeanDice, double FoldingFraction, double Seconds, IReadOnlyDictionary<int, double> Dice);

/// <summary>What a pair evaluation writes to summary.json (means over pairs).</summary>
public sealed record PairEvalSummary(string Method, int Pairs, double MeanDice, double MeanFoldingFraction, double MaxFoldingFraction, double MeanSeconds, int Threads,
    int RefineSteps);

/// <summary>
/// Registers every pair of a pairs file (affine + model, or the affine alone) and scores the moving labels warped onto
/// the fixed ones: Dice per label (labels of at least <see cref="MinLabelVoxels"/> fixed voxels) and its mean, the
/// fraction of brain voxels with a non-positive Jacobian determinant, and seconds per pair (registration only, at the
/// fixed scan's resolution). Writes pairs.tsv, labels.tsv and summary.json.
/// </summary>
public static class PairEvaluation
{
    /// <summary>Labels with fewer voxels than this in the fixed map are not scored (stray voxels of a class make Dice noise).</summary>
    public const int MinLabelVoxels = 100;

    public static PairEvalSummary Run(PairEvalSettings settings, RunSettings run, IProgressReporter progress)
    {
        var refine = Refinement.Resolve(settings.Refine, settings.Model is not null);
        var device = run.StartTorch();
        var rows = RegistrationFiles.ReadPairs(settings.Pairs);
        using var model = settings.Model is null ? null : DeformableMethods.Load(settings.Model, device);
        var method = model?.Method ?? "affine";
        var scores = new List<PairScore>();
        foreach (var row in rows)
        {
            var (fixedImage, fixedMask) = RegistrationFiles.Scan(row.Fixed, row.FixedMask, "fixed");
            var (moving, movingMask) = RegistrationFiles.Scan(row.Moving, row.MovingMask, "moving");
            var fixedLabels = RegistrationFiles.Labels(row.FixedLabels!, fixedImage, "fixed");
            var movingLabels = RegistrationFiles.Labels(row.MovingLabels!, moving, "moving");
            var pair = PairRegistration.Run(model, fixedImage, fixedMask, moving, movingMask, movingLabels, AffineOptions.Default,
                row.Affine is null ? null : RegistrationFiles.ReadAffine(row.Affine), device, refine);
            var dice = RegistrationMetrics.DicePerLabel(pair.WarpedLabels!, fixedLabels.Data, MinLabelVoxels);
            var folding = RegistrationMetrics.FoldingFraction(RegistrationFiles.Jacobian(pair.Field), fixedMask);
            var score = new PairScore(row.Fixed, row.Moving, dice.Values.DefaultIfEmpty(0).Average(), folding, pair.Seconds, dice);
            scores.Add(score);
            progress.Info($"  {Path.GetFileName(row.Moving)} -> {Path.GetFileName(row.Fixed)}: Dice {score.MeanDice:F3}, folding {100 * folding:F3}%, {pair.Seconds:F1} s");
        }

        Directory.CreateDirectory(run.Out);
        var summary = new PairEvalSummary(method, scores.Count, scores.Average(s => s.MeanDice), scores.Average(s => s.FoldingFraction),
            scores.Max(s => s.FoldingFraction), scores.Average(s => s.Seconds), run.Threads ?? TorchSharp.torch.get_num_threads(), refine?.Steps ?? 0);
        Json.Write(Path.Combine(run.Out, "summary.json"), summary);
        var pairsTsv = new StringBuilder("fixed\tmoving\tmean_dice\tfolding_fraction\tseconds\n");
        var labelsTsv = new StringBuilder("fixed\tmoving\tlabel\tdice\n");
        foreach (var s in scores)
        {
            pairsTsv.Append(CultureInfo.InvariantCulture, $"{s.Fixed}\t{s.Moving}\t{s.MeanDice:F5}\t{s.FoldingFraction:G6}\t{s.Seconds:F3}\n");
            foreach (var (label, value) in s.Dice) labelsTsv.Append(CultureInfo.InvariantCulture, $"{s.Fixed}\t{s.Moving}\t{label}\t{value:F5}\n");
        }
        AtomicFile.WriteAllText(Path.Combine(run.Out, "pairs.tsv"), pairsTsv.ToString());
        AtomicFile.WriteAllText(Path.Combine(run.Out, "labels.tsv"), labelsTsv.ToString());
        return summary;
    }
}
