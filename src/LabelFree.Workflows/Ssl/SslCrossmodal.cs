using LabelFree.Analysis.Classification;
using LabelFree.Core.IO;
using LabelFree.Core.Progress;
using LabelFree.Core.Training;
using LabelFree.Learning.Methods.Contig;
using LabelFree.Learning.Nn;
using LabelFree.Reports.Figures;
using LabelFree.Workflows.Runs;

namespace LabelFree.Workflows.Ssl;

/// <summary>The Visium slide whose tiles and spot expression are aligned, and the image encoder (ResNet-18 of <paramref name="Width"/> at <paramref name="ImageSize"/> pixels).</summary>
public sealed record SslCrossmodalSettings(VisiumSettings Visium, int ImageSize = 32, int Width = 64);

/// <summary>What a cross-modal run records in config.json.</summary>
public sealed record SslCrossmodalRecord(SslCrossmodalSettings Settings, ContigConfig Model, TrainerOptions Training, int TrainSpots, int TestSpots);

/// <summary>Retrieval among the held-out spots: how often a tile's own spot expression is among the k nearest in the shared space (and the other way round).</summary>
public sealed record RetrievalScores(double ImageToRowTop1, double ImageToRowTop5, double RowToImageTop1, double RowToImageTop5);

/// <summary>metrics.json of <c>ssl crossmodal</c>: the trained model and, in the same run, the same model with random weights, beside chance (k / spots).</summary>
public sealed record SslCrossmodalMetrics(int TrainSpots, int TestSpots, int Genes, RetrievalScores Trained, RetrievalScores RandomInit, double ChanceTop1, double ChanceTop5,
    long Steps, double Seconds);

/// <summary>
/// ContIG-style alignment of Visium tiles with their spots' expression (standardised per gene on the training spots):
/// trained on the spots of the training blocks, scored by cross-modal retrieval among the held-out blocks' spots
/// beside the untrained model and chance; model/, metrics.json, figures/loss.png.
/// </summary>
public static class SslCrossmodal
{
    public static SslCrossmodalMetrics Run(SslCrossmodalSettings settings, TrainerOptions training, RunSettings run, bool resume, IProgressReporter progress,
        string command = "ssl crossmodal")
    {
        settings.Visium.Check();
        training = training.Validate();
        var data = VisiumData.Read(settings.Visium, run.Seed);
        var (train, test) = (data.TrainRows, data.TestRows);
        var rows = Standardised(data.Expression, train);
        var config = new ContigConfig
        {
            Encoder = new ImageEncoderConfig { Channels = data.Tiles[0].Channels, ImageSize = settings.ImageSize, Width = settings.Width },
            TableFeatures = data.Genes.Length,
        }.Validate();
        var device = run.StartTorch();
        using var model = Contig.Create(config, run.Seed, device);
        RunFolder.Start(run.Out, command, run.Seed, run.DeviceName, new SslCrossmodalRecord(settings, config, training, train.Length, test.Length));
        progress.Info($"contig: {train.Length:N0} training spots, {data.Genes.Length} genes; {test.Length:N0} held-out spots");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = model.Fit(train.Select(i => data.Tiles[i]).ToArray(), LogisticRegression.Rows(rows, train), new TrainingRun(training, run.Out, progress, resume));
        var seconds = clock.Elapsed.TotalSeconds;
        model.Save(Path.Combine(run.Out, "model"), run.Seed, result.Steps);
        LossCurve.Save(run.Out, Path.Combine(run.Out, "figures", "loss.png"), "ContIG-style cross-modal NT-Xent");

        var testTiles = test.Select(i => data.Tiles[i]).ToArray();
        var testRows = LogisticRegression.Rows(rows, test);
        RetrievalScores Score(Contig m) => Retrieval(m.ProjectImages(testTiles), m.ProjectRows(testRows));
        var trained = Score(model);
        RetrievalScores untrained;
        using (var fresh = Contig.Create(config, run.Seed + 1, device)) untrained = Score(fresh);
        var metrics = new SslCrossmodalMetrics(train.Length, test.Length, data.Genes.Length, trained, untrained, 1.0 / test.Length, Math.Min(1, 5.0 / test.Length), result.Steps, seconds);
        Json.Write(Path.Combine(run.Out, "metrics.json"), metrics);
        return metrics;
    }

    /// <summary>Top-1 and top-5 retrieval accuracy both ways between unit-length image and row embeddings of the same samples.</summary>
    public static RetrievalScores Retrieval(float[,] images, float[,] rows)
    {
        int n = images.GetLength(0), d = images.GetLength(1);
        var rank = new int[n];       // rank of each image's own row among all rows
        var rankBack = new int[n];   // rank of each row's own image among all images
        var similarity = new double[n, n];
        for (var i = 0; i < n; i++)
            for (var j = 0; j < n; j++)
            {
                double s = 0;
                for (var c = 0; c < d; c++) s += images[i, c] * rows[j, c];
                similarity[i, j] = s;
            }
        for (var i = 0; i < n; i++)
            for (var j = 0; j < n; j++)
            {
                if (similarity[i, j] > similarity[i, i]) rank[i]++;
                if (similarity[j, i] > similarity[i, i]) rankBack[i]++;
            }
        return new RetrievalScores(rank.Average(r => r < 1 ? 1.0 : 0), rank.Average(r => r < 5 ? 1.0 : 0), rankBack.Average(r => r < 1 ? 1.0 : 0), rankBack.Average(r => r < 5 ? 1.0 : 0));
    }

    /// <summary>Each column centred and scaled by its mean and standard deviation on <paramref name="train"/> rows.</summary>
    private static float[,] Standardised(float[,] x, int[] train)
    {
        int n = x.GetLength(0), columns = x.GetLength(1);
        var result = new float[n, columns];
        for (var c = 0; c < columns; c++)
        {
            var mean = train.Average(i => x[i, c]);
            var sd = Math.Sqrt(train.Average(i => (x[i, c] - mean) * (x[i, c] - mean)));
            for (var i = 0; i < n; i++) result[i, c] = (float)((x[i, c] - mean) / (sd > 1e-9 ? sd : 1));
        }
        return result;
    }
}
