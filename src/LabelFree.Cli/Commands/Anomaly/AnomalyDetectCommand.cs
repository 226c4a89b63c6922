using System.CommandLine;
using LabelFree.Core.Torch;
using LabelFree.Data.Imaging;
using LabelFree.Learning.Methods.Strega;
using LabelFree.Reports.Figures;

namespace LabelFree.Cli.Commands.Anomaly;

public sealed record AnomalyDetectSettings(string Model, string Input, string? Mask, string Out, ComputeDevice Device, int? Threads,
    double? OpeningRadius = null, double? ClipAbove = null);

/// <summary><c>anomaly detect</c>: anomaly map and mask of one scan, on the scan's own grid and affine.</summary>
public static class AnomalyDetectCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Model folder (RUN/model)", Required = true };
        var input = new Option<string>("--input") { Description = "Scan to examine (NIfTI)", Required = true };
        var mask = new Option<string?>("--mask") { Description = "Its brain mask (default: its non-zero voxels)" };
        var output = new Option<string>("--out") { Description = "Output folder", Required = true };
        var device = CommonOptions.Device();
        var threads = CommonOptions.Threads();
        var postprocessing = new PostprocessingChoice();
        var command = new Command("detect", "Write anomaly_map.nii.gz, anomaly_mask.nii.gz and an overlay montage for one scan")
        {
            model, input, mask, output, device, threads, postprocessing.OpeningRadius, postprocessing.ClipAbove,
        };
        command.SetAction(r =>
        {
            var (opening, clip) = postprocessing.Read(r);
            return Run(new AnomalyDetectSettings(r.GetValue(model)!, r.GetValue(input)!, r.GetValue(mask), r.GetValue(output)!,
                r.GetValue(device), r.GetValue(threads), opening, clip), Console.Out);
        });
        return command;
    }

    public static int Run(AnomalyDetectSettings settings, TextWriter output)
    {
        var device = TorchRuntime.Start(settings.Device, settings.Threads);
        using var model = Strega.Load(settings.Model, device);
        var postprocessing = PostprocessingChoice.Apply(model.Config.Postprocessing, settings.OpeningRadius, settings.ClipAbove);
        var scan = NiftiReader.Read(settings.Input);
        var brain = ScanList.BrainMaskFor(scan, settings.Input, settings.Mask);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var volume = model.Prepare(scan, brain);
        var (maps, _) = model.Detect(volume, postprocessing);
        var seconds = clock.Elapsed.TotalSeconds;

        Directory.CreateDirectory(settings.Out);
        var scoreMap = volume.ToInputGrid(maps.Score, Interpolation.Linear);
        var maskMap = volume.ToInputGrid(maps.Mask.Select(m => m ? 1f : 0f).ToArray(), Interpolation.Nearest);
        NiftiWriter.Write(Path.Combine(settings.Out, "anomaly_map.nii.gz"), scoreMap, NiftiDatatype.Float32, "LabelFree StRegA anomaly score");
        NiftiWriter.Write(Path.Combine(settings.Out, "anomaly_mask.nii.gz"), maskMap, NiftiDatatype.UInt8, "LabelFree StRegA anomaly mask");
        WriteMontage(Path.Combine(settings.Out, "overlay.png"), volume, maps);
        var voxels = maskMap.Data.Count(v => v > 0);
        output.WriteLine($"{settings.Input}: {voxels} anomalous voxels ({seconds:F1} s); wrote {settings.Out}/anomaly_map.nii.gz, anomaly_mask.nii.gz, overlay.png");
        return CommandLine.Ok;
    }

    /// <summary>Up to 8 axial slices through the brain: the scan (and the model's tissue-class input), with the anomaly mask in red.</summary>
    public static void WriteMontage(string path, PreprocessedVolume volume, AnomalyMaps maps, bool[]? reference = null)
    {
        // The 8 brain slices with the most detected (and true) anomaly, then the most brain, shown in slice order.
        var candidates = Enumerable.Range(0, volume.SliceCount).Where(z => volume.BrainFraction(z) > 0).DefaultIfEmpty(volume.SliceCount / 2).ToList();
        var shown = candidates
            .OrderByDescending(z => CountInSlice(volume, maps.Mask, z) + (reference is null ? 0 : CountInSlice(volume, reference, z)))
            .ThenByDescending(volume.BrainFraction).Take(8).Order().ToList();
        var empty = new bool[volume.Shape[0] * volume.Shape[1] * volume.Shape[2]];
        GrayImage Tile(int z, bool[] overlay) => new(volume.SliceOf(volume.Intensity, z), volume.Options.Height, volume.Options.Width)
        {
            Overlay = volume.SliceOf(overlay, z),
        };
        var rows = new List<(string, IReadOnlyList<GrayImage>)> { ("input", shown.Select(z => Tile(z, empty)).ToList()) };
        if (volume.Image != volume.Intensity) rows.Add(("tissue classes", shown.Select(z => new GrayImage(volume.Slice(z), volume.Options.Height, volume.Options.Width)).ToList()));
        rows.Add(("detected", shown.Select(z => Tile(z, maps.Mask)).ToList()));
        if (reference is not null) rows.Add(("true lesion", shown.Select(z => Tile(z, reference)).ToList()));
        ImageGrid.SavePng(path, rows);
    }

    private static int CountInSlice(PreprocessedVolume volume, bool[] mask, int z)
    {
        var plane = volume.Shape[0] * volume.Shape[1];
        var count = 0;
        for (var i = 0; i < plane; i++) if (mask[z * plane + i]) count++;
        return count;
    }
}
