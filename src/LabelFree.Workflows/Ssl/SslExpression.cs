using System.Globalization;
using System.Text;
using LabelFree.Analysis.Classification;
using LabelFree.Analysis.Regression;
using LabelFree.Core.IO;
using LabelFree.Core.Progress;
using LabelFree.Learning.Methods.ImageSsl;
using LabelFree.Reports.Figures;
using LabelFree.Workflows.Runs;

namespace LabelFree.Workflows.Ssl;

/// <summary>A pre-trained model and the Visium slide whose expression its tile features should predict.</summary>
public sealed record SslExpressionSettings(string Model, VisiumSettings Visium);

/// <summary>One representation's per-gene Pearson r on the held-out spots.</summary>
public sealed record ExpressionScores(double MeanR, double MedianR, int GenesAbove03, IReadOnlyList<string> BestGenes);

/// <summary>metrics.json of <c>ssl expression</c>.</summary>
public sealed record SslExpressionMetrics(string Method, int TrainSpots, int TestSpots, int DroppedSpots, int Genes, int HeldOutBlocks, int PcaComponents,
    IReadOnlyDictionary<string, ExpressionScores> Scores, string Definition);

/// <summary>
/// RNAPath-style expression from tissue images (Cisternino et al.), shared by <c>ssl expression</c> and the demo:
/// frozen features of the tile around each Visium spot, then ridge regression per gene (each gene's penalty chosen by
/// leave-one-block-out cross-validation on the training blocks), trained on spots of some spatial blocks and tested
/// on the held-out blocks; per-gene Pearson r beside the same encoder with random weights and PCA of the tile pixels
/// (fitted on the training spots): metrics.json, genes.tsv and a scatter of the per-gene r.
/// </summary>
public static class SslExpression
{
    public static SslExpressionMetrics Run(SslExpressionSettings settings, RunSettings run, IProgressReporter progress)
    {
        settings.Visium.Check();
        var device = run.StartTorch();
        using var model = ImageSslModels.Load(settings.Model, device);
        progress.Info($"reading {settings.Visium.Folder}");
        var data = VisiumData.Read(settings.Visium, run.Seed);
        ImageTensors.RequireChannels(data.Tiles, model.EncoderConfig.Channels);
        var (train, test) = (data.TrainRows, data.TestRows);
        var trainTiles = train.Select(i => data.Tiles[i]).ToArray();
        var testTiles = test.Select(i => data.Tiles[i]).ToArray();
        Directory.CreateDirectory(Path.Combine(run.Out, "figures"));

        progress.Info($"{model.Method}: tile features of {train.Length:N0} training and {test.Length:N0} held-out spots");
        var (representations, components) = SslProbing.Representations(model, trainTiles, testTiles, run.Seed, device);

        var trainY = LogisticRegression.Rows(data.Expression, train);
        var testY = LogisticRegression.Rows(data.Expression, test);
        var groups = train.Select(i => data.Block[i]).ToArray();
        var r = new Dictionary<string, double[]>();
        foreach (var (name, (x, xTest)) in representations)
        {
            progress.Info($"ridge per gene on {name}");
            var predicted = RidgeRegression.Fit(x, trainY, groups).Predict(xTest);
            r[name] = Enumerable.Range(0, data.Genes.Length).Select(g => Pearson(predicted, testY, g)).ToArray();
        }

        var scores = r.ToDictionary(kv => kv.Key, kv =>
        {
            var finite = kv.Value.Where(double.IsFinite).Order().ToArray();
            var best = Enumerable.Range(0, data.Genes.Length).Where(g => double.IsFinite(kv.Value[g])).OrderByDescending(g => kv.Value[g]).Take(5).Select(g => data.Genes[g]).ToArray();
            return new ExpressionScores(finite.Length == 0 ? double.NaN : finite.Average(), finite.Length == 0 ? double.NaN : finite[finite.Length / 2],
                finite.Count(v => v > 0.3), best);
        });
        var metrics = new SslExpressionMetrics(model.Method, train.Length, test.Length, data.Used.Count(u => !u), data.Genes.Length, test.Select(i => data.Block[i]).Distinct().Count(),
            components, scores, "Pearson r per gene between predicted and measured log-normalised expression (log1p of counts per 10,000) on spots of held-out " +
            "spatial blocks; ridge per gene on frozen tile features, each gene's penalty by leave-one-block-out CV on the training blocks; training spots whose " +
            "tile overlaps a held-out spot's tile are left out");
        Json.Write(Path.Combine(run.Out, "metrics.json"), metrics);
        var text = new StringBuilder("gene\t" + string.Join("\t", r.Keys.Select(k => $"r_{k}")) + "\n");
        for (var g = 0; g < data.Genes.Length; g++)
            text.Append(data.Genes[g]).Append('\t').AppendJoin('\t', r.Values.Select(v => v[g].ToString("G4", CultureInfo.InvariantCulture))).Append('\n');
        AtomicFile.WriteAllText(Path.Combine(run.Out, "genes.tsv"), text.ToString());
        var points = new float[data.Genes.Length, 2];
        for (var g = 0; g < data.Genes.Length; g++) (points[g, 0], points[g, 1]) = ((float)r[SslProbing.PcaPixels][g], (float)r[SslProbing.Pretrained][g]);
        ScatterChart.SavePng(Path.Combine(run.Out, "figures", "gene_r.png"), $"held-out Pearson r per gene: {model.Method} features against PCA of the pixels", points,
            Enumerable.Repeat("gene", data.Genes.Length).ToArray(), "PCA of pixels", model.Method);
        return metrics;
    }

    private static double Pearson(double[,] predicted, float[,] truth, int column)
    {
        var n = truth.GetLength(0);
        double mp = 0, mt = 0;
        for (var i = 0; i < n; i++) (mp, mt) = (mp + predicted[i, column] / n, mt + truth[i, column] / n);
        double sxy = 0, sxx = 0, syy = 0;
        for (var i = 0; i < n; i++)
        {
            double dp = predicted[i, column] - mp, dt = truth[i, column] - mt;
            (sxy, sxx, syy) = (sxy + dp * dt, sxx + dp * dp, syy + dt * dt);
        }
        return sxx > 0 && syy > 0 ? sxy / Math.Sqrt(sxx * syy) : double.NaN;
    }
}
