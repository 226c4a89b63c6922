using System.Diagnostics;
using LabelFree.Data.Imaging;
using LabelFree.Learning.Methods.Strega;
using LabelFree.Workflows.Imaging;
using LabelFree.Workflows.Runs;

namespace LabelFree.Workflows.Anomaly;

/// <summary>One scan to examine with a trained model; the post-processing overrides the model's when given.</summary>
public sealed record AnomalyDetectSettings(string Model, string Scan, string? BrainMask, double? OpeningRadius = null, double? ClipAbove = null);

/// <summary>What detection found: anomalous voxels on the scan's grid and the seconds it took.</summary>
public sealed record AnomalyDetectResult(long AnomalousVoxels, double Seconds);

/// <summary>Anomaly map and mask of one scan, on the scan's own grid and affine: anomaly_map.nii.gz, anomaly_mask.nii.gz, overlay.png.</summary>
public static class AnomalyDetection
{
    public static AnomalyDetectResult Run(AnomalyDetectSettings settings, RunSettings run)
    {
        var scan = NiftiReader.ReadVolume(settings.Scan);
        var brain = ScanList.BrainMaskFor(scan, settings.Scan, settings.BrainMask);
        var device = run.StartTorch();
        using var model = Strega.Load(settings.Model, device);
        var postprocessing = StregaPostprocessing.Override(model.Config.Postprocessing, settings.OpeningRadius, settings.ClipAbove);
        var clock = Stopwatch.StartNew();
        var volume = model.Prepare(scan, brain);
        var (maps, _) = model.Detect(volume, postprocessing);
        var seconds = clock.Elapsed.TotalSeconds;

        Directory.CreateDirectory(run.Out);
        var scoreMap = volume.ToInputGrid(maps.Score, Interpolation.Linear);
        var maskMap = volume.ToInputGrid(maps.Mask.Select(m => m ? 1f : 0f).ToArray(), Interpolation.Nearest);
        NiftiWriter.Write(Path.Combine(run.Out, "anomaly_map.nii.gz"), scoreMap, NiftiDatatype.Float32, "LabelFree StRegA anomaly score");
        NiftiWriter.Write(Path.Combine(run.Out, "anomaly_mask.nii.gz"), maskMap, NiftiDatatype.UInt8, "LabelFree StRegA anomaly mask");
        AnomalyMontage.Save(Path.Combine(run.Out, "overlay.png"), volume, maps);
        return new AnomalyDetectResult(maskMap.Data.LongCount(v => v > 0), seconds);
    }
}
