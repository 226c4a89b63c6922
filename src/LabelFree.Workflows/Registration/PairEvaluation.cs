using System.Globalization;
using System.Text;
using LabelFree.Analysis.Metrics;
using LabelFree.Core.IO;
using LabelFree.Core.Progress;
using LabelFree.Data.Imaging;
using LabelFree.Learning.Methods.Deformable;
using LabelFree.Learning.Registration;
using LabelFree.Workflows.Runs;

namespace LabelFree.Workflows.Registration;

/// <summary>
/// A model (null: the affine alone, the baseline), a pairs file with labels, the refinement (null fields: the defaults),
/// and whether to score every stage (the network alone and each refined level) rather than the result alone.
/// </summary>
public sealed record PairEvalSettings(string? Model, string Pairs, RefineSettings? Refine = null, bool EveryStage = false);

/// <summary>One evaluated pair at one stage: mean Dice and mean HD95 (mm) over the scored labels, folding, seconds up to this stage.</summary>
public sealed record PairScore(string Fixed, string Moving, string Stage, int Steps, double MeanDice, double MeanHd95, double FoldingFraction, double Seconds,
    IReadOnlyDictionary<int, double> Dice, IReadOnlyDictionary<int, double> Hd95);

/// <summary>Means over pairs of one stage.</summary>
public sealed record StageSummary(string Stage, double MeanDice, double MeanHd95, double MeanFoldingFraction, double MaxFoldingFraction, double MeanSeconds, double MeanSteps);

/// <summary>What a pair evaluation writes to summary.json (means over pairs, of the result; <paramref name="Stages"/>: of every stage scored).</summary>
public sealed record PairEvalSummary(string Method, int Pairs, double MeanDice, double MeanFoldingFraction, double MaxFoldingFraction, double MeanSeconds, int Threads,
    int RefineSteps, double MeanHd95, string Stage, IReadOnlyList<StageSummary> Stages);

/// <summary>
/// Registers every pair of a pairs file (affine + model, or the affine alone) and scores the moving labels warped onto
/// the fixed ones: Dice and the 95th-percentile Hausdorff distance per label (labels of at least <see cref="MinLabelVoxels"/>
/// fixed voxels) and their means, the fraction of brain voxels with a non-positive Jacobian determinant, and seconds per
/// pair (registration only, at the fixed scan's resolution). With every stage, the same for the network alone and each
/// refinement level, each timed up to that stage. Writes pairs.tsv, labels.tsv, stages.tsv and summary.json.
/// </summary>
public static class PairEvaluation
{
    /// <summary>Labels with fewer voxels than this in the fixed map are not scored (stray voxels of a class make Dice noise).</summary>
    public const int MinLabelVoxels = 100;

    public static PairEvalSummary Run(PairEvalSettings settings, RunSettings run, IProgressReporter progress)
    {
        var refine = (settings.Refine ?? new RefineSettings()).Resolve(settings.Model is not null);
        var device = run.StartTorch();
        var rows = RegistrationFiles.ReadPairs(settings.Pairs);
        using var model = settings.Model is null ? null : DeformableMethods.Load(settings.Model, device);
        var method = model?.Method ?? "affine";
        var stages = new List<PairScore>();
        var results = new List<PairScore>();
        foreach (var row in rows)
        {
            var (fixedImage, fixedMask) = RegistrationFiles.Scan(row.Fixed, row.FixedMask, "fixed");
            var (moving, movingMask) = RegistrationFiles.Scan(row.Moving, row.MovingMask, "moving");
            var fixedLabels = RegistrationFiles.Labels(row.FixedLabels!, fixedImage, "fixed");
            var movingLabels = RegistrationFiles.Labels(row.MovingLabels!, moving, "moving");
            PairScore Score(RegisteredPair pair)
            {
                var dice = RegistrationMetrics.DicePerLabel(pair.WarpedLabels!, fixedLabels.Data, MinLabelVoxels);
                var hd95 = RegistrationMetrics.Hausdorff95PerLabel(pair.WarpedLabels!, fixedLabels.Data, fixedImage.Shape, Affine.Spacing(fixedImage.Affine), MinLabelVoxels);
                var folding = RegistrationMetrics.FoldingFraction(RegistrationFiles.Jacobian(pair.Field), fixedMask);
                return new PairScore(row.Fixed, row.Moving, pair.Stage, pair.Steps, dice.Values.DefaultIfEmpty(0).Average(), hd95.Values.DefaultIfEmpty(double.NaN).Average(),
                    folding, pair.Seconds, dice, hd95);
            }
            void Print(PairScore s, string indent) =>
                progress.Info($"{indent}{Path.GetFileName(row.Moving)} -> {Path.GetFileName(row.Fixed)} [{s.Stage}{(s.Steps > 0 ? $", {s.Steps} steps" : "")}]: " +
                    $"Dice {s.MeanDice:F3}, HD95 {s.MeanHd95:F2} mm, folding {100 * s.FoldingFraction:F3}%, {s.Seconds:F1} s");
            Action<RegisteredPair>? everyStage = settings.EveryStage && model is not null ? p =>
            {
                var score = Score(p);
                stages.Add(score);
                Print(score, "    ");
            } : null;
            var registered = PairRegistration.Run(model, fixedImage, fixedMask, moving, movingMask, movingLabels, AffineOptions.Default,
                row.Affine is null ? null : RegistrationFiles.ReadAffine(row.Affine), device, refine, everyStage);
            var result = everyStage is null ? Score(registered) : stages[^1];
            if (everyStage is null) stages.Add(result);
            results.Add(result);
            Print(result, "  ");
        }

        Directory.CreateDirectory(run.Out);
        var stageSummaries = stages.GroupBy(s => s.Stage).Select(g => new StageSummary(g.Key, g.Average(s => s.MeanDice), g.Average(s => s.MeanHd95),
            g.Average(s => s.FoldingFraction), g.Max(s => s.FoldingFraction), g.Average(s => s.Seconds), g.Average(s => s.Steps))).ToList();
        var summary = new PairEvalSummary(method, results.Count, results.Average(s => s.MeanDice), results.Average(s => s.FoldingFraction),
            results.Max(s => s.FoldingFraction), results.Average(s => s.Seconds), run.Threads ?? TorchSharp.torch.get_num_threads(), refine?.CoarseSteps ?? 0,
            results.Average(s => s.MeanHd95), results[^1].Stage, stageSummaries);
        Json.Write(Path.Combine(run.Out, "summary.json"), summary);
        AtomicFile.WriteAllText(Path.Combine(run.Out, "pairs.tsv"), Table("fixed\tmoving\tmean_dice\tmean_hd95\tfolding_fraction\tseconds\n", results, (b, s) =>
            b.Append(CultureInfo.InvariantCulture, $"{s.Fixed}\t{s.Moving}\t{s.MeanDice:F5}\t{s.MeanHd95:F3}\t{s.FoldingFraction:G6}\t{s.Seconds:F3}\n")));
        AtomicFile.WriteAllText(Path.Combine(run.Out, "stages.tsv"), Table("fixed\tmoving\tstage\tsteps\tmean_dice\tmean_hd95\tfolding_fraction\tseconds\n", stages, (b, s) =>
            b.Append(CultureInfo.InvariantCulture, $"{s.Fixed}\t{s.Moving}\t{s.Stage}\t{s.Steps}\t{s.MeanDice:F5}\t{s.MeanHd95:F3}\t{s.FoldingFraction:G6}\t{s.Seconds:F3}\n")));
        AtomicFile.WriteAllText(Path.Combine(run.Out, "labels.tsv"), Table("fixed\tmoving\tlabel\tdice\thd95\n", results, (b, s) =>
        {
            foreach (var (label, value) in s.Dice)
                b.Append(CultureInfo.InvariantCulture, $"{s.Fixed}\t{s.Moving}\t{label}\t{value:F5}\t{s.Hd95.GetValueOrDefault(label, double.NaN):F3}\n");
        }));
        return summary;
    }

    private static string Table(string header, IEnumerable<PairScore> scores, Action<StringBuilder, PairScore> row)
    {
        var builder = new StringBuilder(header);
        foreach (var s in scores) row(builder, s);
        return builder.ToString();
    }
}
