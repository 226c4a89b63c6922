using System.Globalization;
using System.Text;
using LabelFree.Analysis.Clustering;
using LabelFree.Core.IO;
using LabelFree.Core.Progress;
using LabelFree.Learning.Methods.ImageSsl;
using LabelFree.Reports.Figures;
using LabelFree.Workflows.Runs;

namespace LabelFree.Workflows.Ssl;

/// <summary>A pre-trained model and the images to embed.</summary>
public sealed record SslEmbedSettings(string Model, SslImageInput Images);

/// <summary>Frozen features of images (<c>ssl embed</c>): embeddings.tsv (id, label, group, one column per feature) and a UMAP coloured by label (or group).</summary>
public static class SslEmbedding
{
    public static int Run(SslEmbedSettings settings, RunSettings run, IProgressReporter progress)
    {
        settings.Images.Check();
        var device = run.StartTorch();
        using var model = ImageSslModels.Load(settings.Model, device);
        var images = settings.Images.Read(run.Seed);
        progress.Info($"{model.Method}: embedding {images.Count:N0} images");
        var features = model.Embed(images);
        Directory.CreateDirectory(Path.Combine(run.Out, "figures"));
        var columns = features.GetLength(1);
        var text = new StringBuilder("id\tlabel\tgroup\t" + string.Join("\t", Enumerable.Range(0, columns).Select(c => $"f{c}")) + "\n");
        for (var i = 0; i < images.Count; i++)
        {
            text.Append(images[i].Id).Append('\t').Append(images[i].Label).Append('\t').Append(images[i].Group);
            for (var c = 0; c < columns; c++) text.Append('\t').Append(features[i, c].ToString("G6", CultureInfo.InvariantCulture));
            text.Append('\n');
        }
        AtomicFile.WriteAllText(Path.Combine(run.Out, "embeddings.tsv"), text.ToString());
        if (images.Count >= 3)
        {
            var layout = LatentClusters.Run(features, run.Seed).Umap!;
            ScatterChart.SavePng(Path.Combine(run.Out, "figures", "umap.png"), $"{model.Method} features", layout,
                images.Select(i => i.Label ?? i.Group ?? "image").ToArray());
        }
        return images.Count;
    }
}
