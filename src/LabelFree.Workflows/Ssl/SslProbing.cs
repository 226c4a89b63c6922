using System.Globalization;
using System.Text;
using LabelFree.Analysis.Classification;
using LabelFree.Analysis.Clustering;
using LabelFree.Analysis.Embedding;
using LabelFree.Analysis.Metrics;
using LabelFree.Core.Errors;
using LabelFree.Core.IO;
using LabelFree.Core.Progress;
using LabelFree.Data.Tiles;
using LabelFree.Learning.Methods.ImageSsl;
using LabelFree.Reports.Figures;
using LabelFree.Workflows.Runs;

namespace LabelFree.Workflows.Ssl;

/// <summary>A pre-trained model and labelled training and test images to probe it on.</summary>
public sealed record SslProbeSettings(string Model, SslImageInput Train, SslImageInput Test);

/// <summary>Accuracy, balanced accuracy and macro F1 of one classifier on the test images.</summary>
public sealed record ProbeScores(double Accuracy, double BalancedAccuracy, double MacroF1);

/// <summary>
/// metrics.json of <c>ssl probe</c>: for each representation (the pre-trained encoder, the same encoder with random
/// weights, PCA of the raw pixels) a linear probe and a k-NN classifier, keyed "representation/classifier".
/// </summary>
public sealed record SslProbeMetrics(string Method, int Train, int Test, int TestDropped, IReadOnlyList<string> Classes, int PcaComponents,
    IReadOnlyDictionary<string, ProbeScores> Scores, IReadOnlyDictionary<string, string> Choices, string Definition);

/// <summary>
/// Frozen-feature evaluation of a self-supervised image encoder, shared by <c>ssl probe</c> and the demo: features of
/// labelled training and test images from the pre-trained encoder and, in the same run, two baselines (the same
/// architecture with random weights, and PCA of the raw pixels fitted on the training images); on each, L2 logistic
/// regression (penalty chosen by 3-fold cross-validation on the training images only) and DINO's weighted k-NN
/// (k 20, cosine); accuracy, balanced accuracy and macro F1 on the test images; metrics.json, predictions.tsv and a
/// UMAP of the test features.
/// </summary>
public static class SslProbing
{
    public const string Pretrained = "pretrained";
    public const string RandomInit = "random_init";
    public const string PcaPixels = "pca_pixels";
    public const string Linear = "linear";
    public const string Knn = "knn";
    public const int MaxPcaComponents = 128;

    public static SslProbeMetrics Run(SslProbeSettings settings, RunSettings run, IProgressReporter progress)
    {
        settings.Train.Check();
        settings.Test.Check();
        var device = run.StartTorch();
        using var model = ImageSslModels.Load(settings.Model, device);
        progress.Info("reading the training and test images");
        var train = Labelled(settings.Train.Read(run.Seed), "training images");
        var allTest = Labelled(settings.Test.Read(run.Seed), "test images");
        var classes = train.Select(i => i.Label!).Distinct().Order(StringComparer.Ordinal).ToArray();
        if (classes.Length < 2) throw new UserInputException($"training images: one class ({classes[0]}); a probe needs at least two");
        var index = classes.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i);
        var test = allTest.Where(i => index.ContainsKey(i.Label!)).ToList();
        if (test.Count == 0) throw new UserInputException("test images: none has a label seen in training");
        var y = train.Select(i => index[i.Label!]).ToArray();
        var truth = test.Select(i => index[i.Label!]).ToArray();

        Directory.CreateDirectory(Path.Combine(run.Out, "figures"));
        progress.Info($"{model.Method}: features of {train.Count:N0} training and {test.Count:N0} test images ({classes.Length} classes)");
        var (representations, components) = Representations(model, train, test, run.Seed, device);

        var scores = new Dictionary<string, ProbeScores>();
        var choices = new Dictionary<string, string>();
        var predictions = new Dictionary<string, double[,]>();
        foreach (var (name, (trainFeatures, testFeatures)) in representations)
        {
            progress.Info($"probes on {name}");
            var folds = Math.Max(2, Math.Min(3, y.GroupBy(c => c).Min(g => g.Count())));
            var (_, l2, _) = LogisticRegression.Select([trainFeatures], y, classes.Length, L2Grid, folds, run.Seed);
            predictions[$"{name}/{Linear}"] = LogisticRegression.Fit(trainFeatures, y, classes.Length, l2).PredictProbabilities(testFeatures);
            choices[$"{name}/{Linear}"] = string.Create(CultureInfo.InvariantCulture, $"L2 {l2:G2}");
            predictions[$"{name}/{Knn}"] = NearestNeighborClassifier.PredictProbabilities(trainFeatures, y, classes.Length, testFeatures);
        }
        foreach (var (key, probabilities) in predictions)
        {
            var score = ClassificationMetrics.Score(probabilities, truth);
            scores[key] = new ProbeScores(score.Accuracy, ClassificationMetrics.BalancedAccuracy(probabilities, truth), score.MacroF1);
        }

        var metrics = new SslProbeMetrics(model.Method, train.Count, test.Count, allTest.Count - test.Count, classes, components, scores, choices,
            "pretrained: the model's frozen encoder; random_init: the same architecture with random weights; pca_pixels: PCA of the raw pixels (fitted on the " +
            "training images); linear: L2 logistic regression, penalty by 3-fold CV on the training images; knn: weighted k-NN, k 20, cosine, temperature 0.07");
        Json.Write(Path.Combine(run.Out, "metrics.json"), metrics);
        WritePredictions(Path.Combine(run.Out, "predictions.tsv"), test, classes, predictions);
        var layout = LatentClusters.Run(representations[Pretrained].Test, run.Seed, umap: true).Umap!;
        ScatterChart.SavePng(Path.Combine(run.Out, "figures", "umap_test.png"), $"{model.Method} features of the test images, by label", layout, test.Select(i => i.Label!).ToArray());
        return metrics;
    }

    /// <summary>
    /// Features of the training and test images from the model's frozen encoder (<see cref="Pretrained"/>), from the same
    /// architecture with random weights (<see cref="RandomInit"/>, seeded by <paramref name="seed"/> + 1), and PCA of the raw
    /// pixels fitted on the training images (<see cref="PcaPixels"/>, at most <see cref="MaxPcaComponents"/> components).
    /// </summary>
    public static (Dictionary<string, (float[,] Train, float[,] Test)> Features, int PcaComponents) Representations(IImageEncoderModel model,
        IReadOnlyList<TileImage> train, IReadOnlyList<TileImage> test, long seed, TorchSharp.torch.Device device)
    {
        var features = new Dictionary<string, (float[,] Train, float[,] Test)> { [Pretrained] = (model.Embed(train), model.Embed(test)) };
        using (var untrained = ImageSslModels.Untrained(model, seed + 1, device))
            features[RandomInit] = (untrained.Embed(train), untrained.Embed(test));
        var size = model.EncoderConfig.ImageSize;
        var components = Math.Min(MaxPcaComponents, Math.Min(model.EncoderConfig.Channels * size * size, train.Count - 1));
        var pca = Pca.FitTransform(Pixels(train, size), components, Pixels(test, size));
        features[PcaPixels] = (pca[0], pca[1]);
        return (features, components);
    }

    /// <summary>L2 strengths tried for the linear probe.</summary>
    public static readonly double[] L2Grid = [1e-4, 1e-3, 1e-2, 1e-1, 1, 10];

    /// <summary>Raw pixels of each image's central square at <paramref name="size"/>: (images, channels x size x size).</summary>
    public static float[,] Pixels(IReadOnlyList<TileImage> images, int size)
    {
        var length = images[0].Channels * size * size;
        var result = new float[images.Count, length];
        for (var i = 0; i < images.Count; i++) Buffer.BlockCopy(ImageOps.CentreSquare(images[i], size), 0, result, i * length * sizeof(float), length * sizeof(float));
        return result;
    }

    private static List<TileImage> Labelled(IReadOnlyList<TileImage> images, string what)
    {
        if (images.FirstOrDefault(i => i.Label is null) is { } unlabelled)
            throw new UserInputException($"{what}: {unlabelled.Id} has no label (give a label volume and names for NIfTI inputs, or class sub-folders for images)");
        return [.. images];
    }

    private static void WritePredictions(string path, IReadOnlyList<TileImage> test, string[] classes, Dictionary<string, double[,]> predictions)
    {
        var text = new StringBuilder("id\tlabel\t" + string.Join("\t", predictions.Keys) + "\n");
        for (var i = 0; i < test.Count; i++)
        {
            text.Append(test[i].Id).Append('\t').Append(test[i].Label);
            foreach (var p in predictions.Values)
            {
                var best = Enumerable.Range(0, classes.Length).MaxBy(c => p[i, c]);
                text.Append('\t').Append(classes[best]);
            }
            text.Append('\n');
        }
        AtomicFile.WriteAllText(path, text.ToString());
    }
}
