using LabelFree.Core.Errors;
using LabelFree.Core.Progress;
using LabelFree.Core.Training;
using LabelFree.Data.Imaging;
using LabelFree.Learning.Methods.Deformable;
using LabelFree.Learning.Registration;
using LabelFree.Workflows.Imaging;
using LabelFree.Workflows.Runs;
using static TorchSharp.torch;

namespace LabelFree.Workflows.Registration;

/// <summary>
/// What a deformable model trains on: brains to deform (NIfTI files or folders, with masks) and/or real pairs (rows of a pairs file), the
/// method, its working grid, an optional training window (<paramref name="Crop"/>, x y z), and the training.
/// </summary>
public sealed record DeformableTrainSettings(IReadOnlyList<string> Scans, IReadOnlyList<string>? Masks, IReadOnlyList<PairRow> Pairs, string Method,
    RegistrationGrid Grid, TrainerOptions Training, int[]? Crop = null, bool Bidirectional = false);

/// <summary>What a deformable training run records in its config.json.</summary>
/// <param name="Crop">Training window in voxels (x y z), or null when pairs cover the whole grid.</param>
/// <param name="Pairs">Real training pairs (fixed, moving, fixed-to-moving affine), or null.</param>
public sealed record DeformableTrainRecord(IReadOnlyList<string> Scans, IReadOnlyList<string>? Masks, string Method, object Model, int[]? Crop, TrainerOptions Training,
    DeformationOptions Deformation, IReadOnlyList<TrainingPairRecord>? Pairs);

/// <summary>A real training pair as recorded in config.json, with the affine used (given or fitted).</summary>
public sealed record TrainingPairRecord(string Fixed, string Moving, string? Affine, double[] FixedToMoving);

/// <summary>
/// Trains VoxelMorph or MICDIR on pairs made from the given brains by seeded random smooth deformations and intensity
/// changes (<see cref="DeformedPairs"/>), with a fixed validation set of such pairs, and/or on real pairs
/// (<see cref="RealPairs"/>), each pre-aligned by its given affine.json or by a fitted affine, as at inference; with both,
/// each step draws from either with equal probability. With real pairs only, the validation loss is taken on those same
/// pairs (there is nothing held out). The model goes to RUN/model.
/// </summary>
public static class DeformableTraining
{
    public static TrainingResult Run(DeformableTrainSettings settings, RunSettings run, bool resume, IProgressReporter progress)
    {
        var device = run.StartTorch();
        var grid = settings.Grid;
        if (grid.Shape.Length != 3) throw new SettingException("grid", $"expected 3 numbers (x y z), got {grid.Shape.Length}");
        if (settings.Crop is { } c && (c.Length != 3 || c.Any(v => v < 16 || v % 16 != 0) || c.Where((v, a) => v > grid.Shape[a]).Any()))
            throw new SettingException("crop", $"expected 3 multiples of 16 no larger than the grid, got {string.Join(" ", c)}");
        if (settings.Scans.Count == 0 && settings.Pairs.Count == 0)
            throw new SettingException("pairs", "give brains to deform, real pairs, or both");
        if (settings.Crop is not null && settings.Pairs.Count > 0) throw new SettingException("crop", "works with deformed brains only, not with real pairs");
        var scans = settings.Scans.Count == 0 ? [] : ScanList.Expand(settings.Scans, "data");
        var masks = ScanList.Pair(scans, settings.Masks, BrainMask.BrainMaskSetting);
        var training = settings.Training.Validate();
        using var model = DeformableMethods.Create(settings.Method, grid, settings.Bidirectional, run.Seed, device);

        var subjects = scans.Select((scan, s) => RegistrationFiles.Scan(scan, masks?[s], "training")).ToList();
        var (aligned, pairRecords) = AlignPairs(settings.Pairs, device, progress);
        RunFolder.Start(run.Out, "register train", run.Seed, run.DeviceName, new DeformableTrainRecord(scans, masks, settings.Method, model.ConfigRecord,
            settings.Crop, training, DeformableMethods.TrainingDeformation, pairRecords.Count == 0 ? null : pairRecords));

        var real = aligned.Count == 0 ? null : new RealPairs(aligned, grid, device);
        var deformed = subjects.Count == 0 ? null : new DeformedPairs(subjects, grid, DeformableMethods.TrainingDeformation, device, settings.Crop);
        IBatchSource<RegistrationBatch> validation = deformed is not null ? deformed.Take(4) : real!;
        progress.Info($"register train: {settings.Method} on {subjects.Count} brain(s) and {settings.Pairs.Count} real pair(s), grid {string.Join("x", grid.Shape)} at {grid.SpacingMm} mm"
            + (settings.Crop is null ? "" : $", {string.Join("x", settings.Crop)} windows") + $", {training.MaxSteps} steps");
        var plan = new TrainingRun(training, run.Out, progress, resume);
        var result = (deformed, real) switch
        {
            ({ } d, { } r) => model.Fit(BatchStreams.Mix((d, 1.0), (r.AsStream(), 1.0)), validation, plan),
            ({ } d, null) => model.Fit(d, validation, plan),
            _ => model.Fit(real!, validation, plan),
        };
        model.Save(Path.Combine(run.Out, "model"), run.Seed, result.Steps);
        return result;
    }

    /// <summary>Reads each real training pair and its affine: the given affine.json, or one fitted as applying a model does.</summary>
    private static (List<AlignedPair> Pairs, List<TrainingPairRecord> Records) AlignPairs(IReadOnlyList<PairRow> rows, Device device, IProgressReporter progress)
    {
        var pairs = new List<AlignedPair>();
        var records = new List<TrainingPairRecord>();
        foreach (var row in rows)
        {
            var (fixedImage, fixedMask) = RegistrationFiles.Scan(row.Fixed, row.FixedMask, "fixed");
            var (moving, movingMask) = RegistrationFiles.Scan(row.Moving, row.MovingMask, "moving");
            var fixedToMoving = row.Affine is not null ? RegistrationFiles.ReadAffine(row.Affine)
                : AffineRegistration.Register(fixedImage, fixedMask, moving, movingMask, AffineOptions.Default, device).FixedToMoving;
            pairs.Add(new AlignedPair(fixedImage, fixedMask, moving, movingMask, fixedToMoving));
            records.Add(new TrainingPairRecord(row.Fixed, row.Moving, row.Affine, fixedToMoving));
            progress.Info($"  pair {Path.GetFileName(row.Moving)} -> {Path.GetFileName(row.Fixed)}: affine {(row.Affine is null ? "fitted" : "given")}");
        }
        return (pairs, records);
    }
}
