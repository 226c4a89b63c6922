using LabelFree.Core.Errors;
using LabelFree.Core.Randomness;
using LabelFree.Core.Training;
using LabelFree.Data.Tiles;
using LabelFree.Learning.Methods.ImageSsl;
using LabelFree.Learning.Objectives;
using static TorchSharp.torch;

namespace LabelFree.Learning.Methods.Contig;

/// <summary>One view of each of B images and their rows of the second modality.</summary>
public sealed record ImageRowBatch(Tensor Images, Tensor Rows);

/// <summary>
/// ContIG-style cross-modal contrastive learning (<see cref="ContigConfig"/>): images and rows of another modality of
/// the same sample pulled together. <see cref="EmbedImages"/> gives the encoder's features; <see cref="ProjectImages"/>
/// and <see cref="ProjectRows"/> the shared space in which a sample's image should find its own row (retrieval).
/// </summary>
public sealed class Contig : MethodModel<Contig, ContigConfig, ContigNet, ImageRowBatch>, IMethodDefinition<Contig, ContigConfig, ContigNet>,
    IImageEncoderModel
{
    private Contig(ContigConfig config, ContigNet net, Device device) : base(config, net, device) { }

    public static string MethodName => "contig";

    public Nn.ImageEncoderConfig EncoderConfig => Config.Encoder;

    static ContigNet IMethodDefinition<Contig, ContigConfig, ContigNet>.BuildNetwork(ContigConfig config) => new(config);

    static Contig IMethodDefinition<Contig, ContigConfig, ContigNet>.Wrap(ContigConfig config, ContigNet net, Device device) => new(config, net, device);

    public override LossOutput Loss(ImageRowBatch batch, TrainingStep at) =>
        new(ContrastiveLosses.CrossModalNtXent(Net.ProjectImages(batch.Images), Net.ProjectTable(batch.Rows), Config.Temperature));

    public override IReadOnlyList<ParameterGroup> ParameterGroups() => ParameterGroup.SplitByDecay(Net);

    /// <summary>AdamW at 1e-3, weight decay 1e-6 (not on biases and norms), cosine decay after a 10% warm-up: LabelFree's settings, not checked against ContIG's reference configuration.</summary>
    public static TrainerOptions DefaultTraining(long steps, long seed, int batchSize = 128) => new()
    {
        Seed = seed,
        MaxSteps = steps,
        BatchSize = batchSize,
        Optimizer = OptimizerKind.AdamW,
        LearningRate = 1e-3,
        WeightDecay = 1e-6,
        Schedule = LearningRateSchedule.Cosine,
        WarmupSteps = Math.Max(1, steps / 10),
        RestoreBestWeights = false,
        LogEverySteps = 10,
    };

    /// <summary>Trains on images and their rows (row i of <paramref name="rows"/> belongs to image i) for the run's steps, each batch drawn with replacement.</summary>
    public TrainingResult Fit(IReadOnlyList<TileImage> images, float[,] rows, TrainingRun run)
    {
        Require(images, rows);
        var views = Config.Mri ? ViewAugmentation.SimclrMri(Config.Encoder.ImageSize) : ViewAugmentation.Simclr(Config.Encoder.ImageSize);
        return Train(new Pairs(images, rows, views, Device).AsStream(), null, run);
    }

    /// <summary>The image encoder's features: (images, features).</summary>
    public float[,] Embed(IReadOnlyList<TileImage> images) => EmbedImages(images);

    /// <summary>The image encoder's features: (images, features).</summary>
    public float[,] EmbedImages(IReadOnlyList<TileImage> images)
    {
        ImageTensors.RequireChannels(images, Config.Encoder.Channels);
        return ImageFeatures.Of(Net.Encoder, images, Config.Encoder.ImageSize, Device);
    }

    /// <summary>Images in the shared space (unit length): (images, projection).</summary>
    public float[,] ProjectImages(IReadOnlyList<TileImage> images)
    {
        ImageTensors.RequireChannels(images, Config.Encoder.Channels);
        return Evaluate(images.Count, (first, count) =>
            Net.ProjectImages(ImageTensors.Stack(Enumerable.Range(first, count).Select(i => ImageOps.CentreSquare(images[i], Config.Encoder.ImageSize)).ToArray(),
                Config.Encoder.Channels, Config.Encoder.ImageSize, Device)));
    }

    /// <summary>Rows in the shared space (unit length): (rows, projection).</summary>
    public float[,] ProjectRows(float[,] rows)
    {
        if (rows.GetLength(1) != Config.TableFeatures) throw new UserInputException($"table: {rows.GetLength(1)} columns, the model was trained on {Config.TableFeatures}");
        return Evaluate(rows.GetLength(0), (first, count) => Net.ProjectTable(RowTensor(rows, first, count, Device)));
    }

    private float[,] Evaluate(int count, Func<int, int, Tensor> project)
    {
        var result = new float[count, Config.ProjectionDimension];
        Net.eval();
        try
        {
            for (var first = 0; first < count; first += ImageFeatures.Batch)
            {
                using var scope = NewDisposeScope();
                using var noGrad = no_grad();
                var n = Math.Min(ImageFeatures.Batch, count - first);
                var data = nn.functional.normalize(project(first, n), dim: 1).cpu().contiguous().data<float>().ToArray();
                Buffer.BlockCopy(data, 0, result, first * Config.ProjectionDimension * sizeof(float), data.Length * sizeof(float));
            }
        }
        finally
        {
            Net.train();
        }
        return result;
    }

    private void Require(IReadOnlyList<TileImage> images, float[,] rows)
    {
        ImageTensors.RequireChannels(images, Config.Encoder.Channels);
        if (rows.GetLength(0) != images.Count) throw new UserInputException($"table: {rows.GetLength(0)} rows for {images.Count} images");
        if (rows.GetLength(1) != Config.TableFeatures) throw new UserInputException($"table: {rows.GetLength(1)} columns, the model takes {Config.TableFeatures}");
    }

    private static Tensor RowTensor(float[,] rows, int first, int count, Device device)
    {
        var columns = rows.GetLength(1);
        var data = new float[count * columns];
        Buffer.BlockCopy(rows, first * columns * sizeof(float), data, 0, data.Length * sizeof(float));
        return tensor(data, [count, columns]).to(device);
    }

    private sealed class Pairs(IReadOnlyList<TileImage> images, float[,] rows, ViewAugmentation views, Device device) : IBatchSource<ImageRowBatch>
    {
        public int Count => images.Count;

        public ImageRowBatch Load(ReadOnlySpan<int> indices, Rng rng)
        {
            var columns = rows.GetLength(1);
            var picked = new float[indices.Length * columns];
            var imageViews = new float[indices.Length][];
            for (var b = 0; b < indices.Length; b++)
            {
                imageViews[b] = views.Apply(images[indices[b]], rng);
                Buffer.BlockCopy(rows, indices[b] * columns * sizeof(float), picked, b * columns * sizeof(float), columns * sizeof(float));
            }
            return new ImageRowBatch(ImageTensors.Stack(imageViews, images[indices[0]].Channels, views.Size, device), tensor(picked, [indices.Length, columns]).to(device));
        }
    }
}
