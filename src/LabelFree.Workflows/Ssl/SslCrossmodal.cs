using LabelFree.Analysis.Classification;
using LabelFree.Core.Errors;
using LabelFree.Core.IO;
using LabelFree.Core.Progress;
using LabelFree.Core.Training;
using LabelFree.Learning.Methods.Contig;
using LabelFree.Learning.Nn;
using LabelFree.Reports.Figures;
using LabelFree.Workflows.Runs;

namespace LabelFree.Workflows.Ssl;

/// <summary>
/// Where the pairs come from: a <paramref name="Visium"/> slide (each spot's tile and expression, split by spatial
/// blocks), or <paramref name="Images"/> with a <paramref name="Table"/> of numbers keyed by image name
/// (<see cref="CrossmodalPairs.FromTable"/>, a <paramref name="HeldOutFraction"/> of the keys held out); and the image
/// encoder (ResNet-18 of <paramref name="Width"/> at <paramref name="ImageSize"/> pixels).
/// </summary>
public sealed record SslCrossmodalSettings(VisiumSettings? Visium, SslImageInput? Images = null, string? Table = null, double HeldOutFraction = 0.25, int ImageSize = 32,
    int Width = 64)
{
    public SslCrossmodalSettings Check()
    {
        if ((Visium is null) == (Images is null)) throw new SettingException("visium", "give either a Visium folder or images with a table, not both and not neither");
        if ((Images is null) != (Table is null)) throw new SettingException("table", "images and a table go together: each image's row of the table is its second modality");
        Visium?.Check();
        Images?.Check();
        if (Table is not null) UserInputException.RequireFile(Table, "table");
        if (HeldOutFraction is <= 0 or >= 1) throw new SettingException("held_out_fraction", $"expected a number in (0, 1), got {HeldOutFraction}");
        return this;
    }
}

/// <summary>What a cross-modal run records in config.json.</summary>
public sealed record SslCrossmodalRecord(SslCrossmodalSettings Settings, ContigConfig Model, TrainerOptions Training, int TrainImages, int TestImages, int TestKeys);

/// <summary>
/// Retrieval among the held-out samples: how often an image's own row is among the k nearest rows in the shared space,
/// and how often one of a row's own images is among its k nearest images.
/// </summary>
public sealed record RetrievalScores(double ImageToRowTop1, double ImageToRowTop5, double RowToImageTop1, double RowToImageTop5);

/// <summary>
/// metrics.json of <c>ssl crossmodal</c>: the trained model and, in the same run, the same model with random weights,
/// beside chance (the expected scores of a random ranking).
/// </summary>
public sealed record SslCrossmodalMetrics(int TrainImages, int TestImages, int TestKeys, int Features, RetrievalScores Trained, RetrievalScores RandomInit, RetrievalScores Chance,
    long Steps, double Seconds);

/// <summary>
/// ContIG-style alignment of images with a second modality of the same sample (Visium tiles with their spots'
/// expression, or scans with a table per person), the table standardised per column on the training keys: trained on
/// the training keys' pairs, scored by cross-modal retrieval among the held-out keys beside the untrained model and
/// chance; model/, metrics.json, figures/loss.png.
/// </summary>
public static class SslCrossmodal
{
    public static SslCrossmodalMetrics Run(SslCrossmodalSettings settings, TrainerOptions training, RunSettings run, bool resume, IProgressReporter progress,
        string command = "ssl crossmodal")
    {
        settings.Check();
        training = training.Validate();
        var pairs = settings.Visium is { } visium
            ? CrossmodalPairs.FromVisium(VisiumData.Read(visium, run.Seed))
            : CrossmodalPairs.FromTable(settings.Images!.Read(run.Seed), settings.Table!, settings.HeldOutFraction, run.Seed);
        var (train, test) = (pairs.TrainImages, pairs.TestImages);
        var trainKeys = train.Select(i => pairs.KeyOfImage[i]).Distinct().ToArray();
        var keyRows = Standardised(pairs.Rows, trainKeys);
        var config = new ContigConfig
        {
            Encoder = new ImageEncoderConfig { Channels = pairs.Images[0].Channels, ImageSize = settings.ImageSize, Width = settings.Width },
            TableFeatures = pairs.Features.Length,
            Mri = settings.Images?.IsVolume ?? false,
        }.Validate();
        var testKeys = test.Select(i => pairs.KeyOfImage[i]).Distinct().Order().ToArray();
        var device = run.StartTorch();
        using var model = Contig.Create(config, run.Seed, device);
        RunFolder.Start(run.Out, command, run.Seed, run.DeviceName, new SslCrossmodalRecord(settings, config, training, train.Length, test.Length, testKeys.Length));
        progress.Info($"contig: {train.Length:N0} training images of {trainKeys.Length:N0} samples, {pairs.Features.Length} features; {test.Length:N0} held-out images of {testKeys.Length:N0} samples");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = model.Fit(train.Select(i => pairs.Images[i]).ToArray(), LogisticRegression.Rows(keyRows, train.Select(i => pairs.KeyOfImage[i]).ToArray()),
            new TrainingRun(training, run.Out, progress, resume));
        var seconds = clock.Elapsed.TotalSeconds;
        model.Save(Path.Combine(run.Out, "model"), run.Seed, result.Steps);
        LossCurve.Save(run.Out, Path.Combine(run.Out, "figures", "loss.png"), "ContIG-style cross-modal NT-Xent");

        var testImages = test.Select(i => pairs.Images[i]).ToArray();
        var positionOfKey = testKeys.Select((k, p) => (k, p)).ToDictionary(x => x.k, x => x.p);
        var keyOfTestImage = test.Select(i => positionOfKey[pairs.KeyOfImage[i]]).ToArray();
        var testRows = LogisticRegression.Rows(keyRows, testKeys);
        RetrievalScores Score(Contig m) => Retrieval(m.ProjectImages(testImages), keyOfTestImage, m.ProjectRows(testRows));
        var trained = Score(model);
        RetrievalScores untrained;
        using (var fresh = Contig.Create(config, run.Seed + 1, device)) untrained = Score(fresh);
        var metrics = new SslCrossmodalMetrics(train.Length, test.Length, testKeys.Length, pairs.Features.Length, trained, untrained, Chance(keyOfTestImage, testKeys.Length),
            result.Steps, seconds);
        Json.Write(Path.Combine(run.Out, "metrics.json"), metrics);
        return metrics;
    }

    /// <summary>
    /// Top-1 and top-5 retrieval both ways between unit-length image embeddings and the rows of their keys
    /// (image i belongs to row <paramref name="keyOfImage"/>[i]; every row has at least one image). Ties count in the
    /// sample's favour.
    /// </summary>
    public static RetrievalScores Retrieval(float[,] images, int[] keyOfImage, float[,] rows)
    {
        int n = images.GetLength(0), keys = rows.GetLength(0), d = images.GetLength(1);
        var similarity = new double[n, keys];
        for (var i = 0; i < n; i++)
            for (var j = 0; j < keys; j++)
            {
                double s = 0;
                for (var c = 0; c < d; c++) s += images[i, c] * rows[j, c];
                similarity[i, j] = s;
            }
        var rank = new int[n];  // rows closer to image i than its own row
        for (var i = 0; i < n; i++)
            for (var j = 0; j < keys; j++)
                if (similarity[i, j] > similarity[i, keyOfImage[i]]) rank[i]++;
        var rankBack = new int[keys];  // images closer to row k than its best own image
        for (var k = 0; k < keys; k++)
        {
            var best = double.NegativeInfinity;
            for (var i = 0; i < n; i++)
                if (keyOfImage[i] == k) best = Math.Max(best, similarity[i, k]);
            for (var i = 0; i < n; i++)
                if (keyOfImage[i] != k && similarity[i, k] > best) rankBack[k]++;
        }
        return new RetrievalScores(rank.Average(r => r < 1 ? 1.0 : 0), rank.Average(r => r < 5 ? 1.0 : 0), rankBack.Average(r => r < 1 ? 1.0 : 0), rankBack.Average(r => r < 5 ? 1.0 : 0));
    }

    /// <summary>
    /// The expected scores of a random ranking: k / rows from image to row; from a row with m of the n images, the
    /// chance that one of its images is among the first k (1 minus the hypergeometric chance that none is).
    /// </summary>
    public static RetrievalScores Chance(int[] keyOfImage, int keys)
    {
        var n = keyOfImage.Length;
        var counts = new int[keys];
        foreach (var k in keyOfImage) counts[k]++;
        double Back(int top) => counts.Average(m =>
        {
            var none = 1.0;
            for (var j = 0; j < top && j < n; j++) none *= Math.Max(0, n - m - j) / (double)(n - j);
            return 1 - none;
        });
        return new RetrievalScores(Math.Min(1, 1.0 / keys), Math.Min(1, 5.0 / keys), Back(1), Back(5));
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
