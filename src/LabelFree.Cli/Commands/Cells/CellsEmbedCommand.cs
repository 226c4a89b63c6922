using System.CommandLine;
using System.Globalization;
using System.Text;
using LabelFree.Core.IO;
using LabelFree.Core.Progress;
using LabelFree.Core.Torch;
using LabelFree.Learning.Methods.Scvi;

namespace LabelFree.Cli.Commands.Cells;

public sealed record CellsEmbedSettings(string Model, string Input, string Out, string? BatchKey = null, string? Layer = null, bool Normalized = false,
    long Seed = 0, ComputeDevice Device = ComputeDevice.Cpu, int? Threads = null);

/// <summary><c>cells embed</c>: a trained scVI model applied to a count matrix: latent, clusters, UMAP, h5ad, optionally normalised expression.</summary>
public static class CellsEmbedCommand
{
    private const int NormalizeBlock = 1024;

    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Model folder (RUN/model)", Required = true };
        var input = new Option<string>("--input") { Description = "Counts with the model's genes: 10x folder, 10x .h5(.gz) or .h5ad", Required = true };
        var output = new Option<string>("--out") { Description = "Output folder", Required = true };
        var batchKey = new Option<string?>("--batch-key") { Description = "obs column of the batches (default: the one the model was trained with)" };
        var layer = new Option<string?>("--layer") { Description = "Read counts from this h5ad layer instead of X" };
        var normalized = new Option<bool>("--normalized") { Description = "Also write normalized.tsv: denoised expression scaled to 10,000 counts per cell" };
        var seed = CommonOptions.Seed();
        var device = CommonOptions.Device();
        var threads = CommonOptions.Threads();
        var command = new Command("embed", "Latent space, clusters, UMAP and h5ad of cells under a trained scVI model")
        {
            model, input, output, batchKey, layer, normalized, seed, device, threads,
        };
        command.SetAction(r => Run(new CellsEmbedSettings(r.GetValue(model)!, r.GetValue(input)!, r.GetValue(output)!, r.GetValue(batchKey), r.GetValue(layer),
            r.GetValue(normalized), r.GetValue(seed), r.GetValue(device), r.GetValue(threads)), Console.Out, new ConsoleProgress()));
        return command;
    }

    public static int Run(CellsEmbedSettings settings, TextWriter output, IProgressReporter progress)
    {
        var device = TorchRuntime.Start(settings.Device, settings.Threads);
        using var model = Scvi.Load(settings.Model, device);
        var data = CellOutputs.Load(settings.Input, settings.Layer, progress, settings.BatchKey);
        var codes = CellOutputs.BatchCodes(model, data, settings.BatchKey, settings.Input);
        if (data.Genes != model.Config.Genes)
            throw new Core.Errors.UserInputException($"{settings.Input}: {data.Genes} genes, but the model was trained on {model.Config.Genes}");
        var summary = CellOutputs.Write(settings.Out, model, data, codes, settings.Seed, progress, Path.GetFileName(settings.Input.TrimEnd('/')));
        if (settings.Normalized) WriteNormalized(Path.Combine(settings.Out, "normalized.tsv"), model, data, codes);
        Json.Write(Path.Combine(settings.Out, "summary.json"), summary);
        output.WriteLine($"embedded {summary.Cells} cells: {summary.LeidenClusters} Leiden clusters; outputs in {settings.Out} (latent.tsv, clusters.tsv, cells.h5ad)");
        return CommandLine.Ok;
    }

    private static void WriteNormalized(string path, Scvi model, Data.SingleCell.CellData data, int[] codes)
    {
        using var pending = AtomicFile.Open(path);
        using (var writer = new StreamWriter(pending.Stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true))
        {
            writer.Write("cell\t" + string.Join('\t', data.GeneNames) + "\n");
            for (var first = 0; first < data.Cells; first += NormalizeBlock)
            {
                var cells = Enumerable.Range(first, Math.Min(NormalizeBlock, data.Cells - first)).ToArray();
                var values = model.Normalize(data.Counts, codes, cells);
                for (var i = 0; i < cells.Length; i++)
                {
                    writer.Write(data.CellNames[cells[i]]);
                    for (var g = 0; g < data.Genes; g++) writer.Write(string.Create(CultureInfo.InvariantCulture, $"\t{values[i, g]:G5}"));
                    writer.Write('\n');
                }
            }
        }
        pending.Commit();
    }
}
