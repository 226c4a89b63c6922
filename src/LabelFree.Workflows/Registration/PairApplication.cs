using System.Diagnostics;
using LabelFree.Analysis.Metrics;
using LabelFree.Core.IO;
using LabelFree.Core.Torch;
using LabelFree.Data.Imaging;
using LabelFree.Learning.Methods.Deformable;
using LabelFree.Learning.Registration;
using LabelFree.Workflows.Runs;

namespace LabelFree.Workflows.Registration;

/// <summary>A pair to register: scans, optional masks and moving labels, and the affine to compose (a file, none, or null to fit one).</summary>
public sealed record PairSettings(string Fixed, string Moving, string? FixedMask = null, string? MovingMask = null, string? MovingLabels = null,
    string? Affine = null, bool NoAffine = false);

/// <summary>What applying a model writes to summary.json.</summary>
/// <param name="RefineSteps">Refinement steps on the network's working grid.</param>
/// <param name="Stage">The finest stage run: "network", the working grid's spacing ("4 mm") or the finest level ("2 mm").</param>
/// <param name="StageSteps">Steps run at that stage (early stopping may end a finer level before its most).</param>
public sealed record PairApplySummary(string Method, double[] FixedToMoving, double FoldingFraction, double MinJacobian, double Seconds, int RefineSteps,
    string Stage, int StageSteps);

/// <summary>Registers one pair and writes the results: the affine alone (affine.json, warped.nii.gz), or affine + model at full resolution.</summary>
public static class PairApplication
{
    /// <summary>
    /// Affine + the learned model (refined on the pair as <paramref name="refineSettings"/> asks, by default on the working
    /// grid and finer levels) at the fixed scan's full resolution: warped.nii.gz, field.nii.gz (mm, vector intent),
    /// jacobian.nii.gz, warped_labels.nii.gz and summary.json.
    /// </summary>
    public static PairApplySummary Apply(string modelFolder, PairSettings pair, RefineSettings refineSettings, RunSettings run)
    {
        var refine = refineSettings.Resolve(hasModel: true);
        var device = run.StartTorch();
        using var model = DeformableMethods.Load(modelFolder, device);
        var (fixedImage, fixedMask) = RegistrationFiles.Scan(pair.Fixed, pair.FixedMask, "fixed");
        var (moving, movingMask) = RegistrationFiles.Scan(pair.Moving, pair.MovingMask, "moving");
        var labels = pair.MovingLabels is null ? null : RegistrationFiles.Labels(pair.MovingLabels, moving, "moving");
        var given = pair.Affine is not null ? RegistrationFiles.ReadAffine(pair.Affine) : pair.NoAffine ? Affine.Identity() : null;
        var registered = PairRegistration.Run(model, fixedImage, fixedMask, moving, movingMask, labels, AffineOptions.Default, given, device, refine);
        var jacobian = RegistrationFiles.Jacobian(registered.Field);
        RegistrationFiles.WriteOutputs(run.Out, fixedImage, registered, jacobian);
        var summary = new PairApplySummary(model.Method, registered.FixedToMoving, RegistrationMetrics.FoldingFraction(jacobian, fixedMask),
            jacobian.Where((_, i) => fixedMask[i]).DefaultIfEmpty(1f).Min(), registered.Seconds, refine?.CoarseSteps ?? 0, registered.Stage, registered.Steps);
        Json.Write(Path.Combine(run.Out, "summary.json"), summary);
        return summary;
    }

    /// <summary>Intensity-based multi-resolution affine registration (on the CPU): affine.json and the affinely warped moving scan.</summary>
    public static AffineRecord AffineOnly(PairSettings pair, RunSettings run)
    {
        var device = TorchRuntime.Start(ComputeDevice.Cpu, run.Threads);
        var (fixedImage, fixedMask) = RegistrationFiles.Scan(pair.Fixed, pair.FixedMask, "fixed");
        var (moving, movingMask) = RegistrationFiles.Scan(pair.Moving, pair.MovingMask, "moving");
        var clock = Stopwatch.StartNew();
        var result = AffineRegistration.Register(fixedImage, fixedMask, moving, movingMask, AffineOptions.Default, device);
        var seconds = clock.Elapsed.TotalSeconds;
        var field = DisplacementField.Compose(fixedImage, null, [1, 1, 1], Affine.Identity(), result.FixedToMoving);
        Directory.CreateDirectory(run.Out);
        NiftiWriter.Write(Path.Combine(run.Out, "warped.nii.gz"), (fixedImage with { Shape = fixedImage.Shape.Take(3).ToArray() }).WithData(field.Warp(moving, Interpolation.Linear)));
        var record = new AffineRecord(pair.Fixed, pair.Moving, result.FixedToMoving, result.FinalNcc, seconds);
        Json.Write(Path.Combine(run.Out, "affine.json"), record);
        return record;
    }
}
