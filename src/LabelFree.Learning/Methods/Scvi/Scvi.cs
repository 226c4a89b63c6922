using LabelFree.Core.Errors;
using LabelFree.Core.Randomness;
using LabelFree.Core.Training;
using LabelFree.Data.SingleCell;
using static TorchSharp.torch;

namespace LabelFree.Learning.Methods.Scvi;

/// <summary>How the cells were split for training (<see cref="Scvi.Split"/>).</summary>
public sealed record CellSplit(int[] Train, int[] Validation);

/// <summary>
/// scVI: a variational autoencoder of raw single-cell counts with a (zero-inflated) negative-binomial decoder that is
/// conditioned on the batch, so that the latent space holds biology rather than batch (<see cref="ScviConfig"/> has
/// the architecture, the defaults and the deviations from scvi-tools). Uses: <see cref="Embed"/> (latent means),
/// <see cref="Normalize"/> (denoised expression), <see cref="Elbo"/> (held-out fit).
/// </summary>
public sealed class Scvi : MethodModel<Scvi, ScviConfig, ScviNet, CellBatch>, IMethodDefinition<Scvi, ScviConfig, ScviNet>
{
    private const int InferenceBatch = 1024;

    private Scvi(ScviConfig config, ScviNet net, Device device) : base(config, net, device) { }

    public static string MethodName => "scvi";

    static ScviNet IMethodDefinition<Scvi, ScviConfig, ScviNet>.BuildNetwork(ScviConfig config) => new(config);

    static Scvi IMethodDefinition<Scvi, ScviConfig, ScviNet>.Wrap(ScviConfig config, ScviNet net, Device device) => new(config, net, device);

    public override LossOutput Loss(CellBatch batch, TrainingStep at)
    {
        var loss = Net.Loss(batch.Counts, batch.BatchOneHot, Config.KlWeight(at.Epoch));
        return new LossOutput(loss.Total, new Dictionary<string, Tensor> { ["reconstruction"] = loss.Reconstruction, ["kl"] = loss.Kl });
    }

    /// <summary>scvi-tools' training settings for <paramref name="cells"/> cells (Adam lr 1e-3, eps 0.01, weight decay 1e-6, batch 128).</summary>
    public static TrainerOptions DefaultTraining(int cells, long seed, int? epochs = null) => new()
    {
        Seed = seed,
        Epochs = epochs ?? ScviConfig.DefaultEpochs(Math.Max(1, cells)),
        BatchSize = 128,
        Optimizer = OptimizerKind.Adam,
        LearningRate = 1e-3,
        AdamEpsilon = 0.01,
        WeightDecay = 1e-6,
        RestoreBestWeights = false,
        LogEverySteps = 50,
    };

    /// <summary>
    /// 90% of cells for training, the rest held out, by a seeded permutation; a training set that would end in a
    /// minibatch of one cell gives that cell to the held-out set (BatchNorm cannot train on one cell).
    /// </summary>
    public static CellSplit Split(int cells, long seed, int batchSize = 128, double trainFraction = 0.9)
    {
        var order = Rng.For(seed, "scvi-split").Permutation(cells);
        var train = cells < 2 ? cells : (int)Math.Ceiling(trainFraction * cells);
        if (train % batchSize == 1 && train > 1) train--;
        return new CellSplit(order[..train].Order().ToArray(), order[train..].Order().ToArray());
    }

    /// <summary>Trains on the cells of <paramref name="split"/>; <paramref name="batchCodes"/> gives each cell's batch index.</summary>
    public TrainingResult Fit(SparseCounts counts, int[] batchCodes, CellSplit split, TrainingRun run)
    {
        RequireFits(counts, batchCodes);
        var train = new CellBatches(counts, batchCodes, Config.BatchInputs, split.Train, Device);
        var validation = split.Validation.Length == 0 ? null : new CellBatches(counts, batchCodes, Config.BatchInputs, split.Validation, Device);
        return Train(train, validation, run);
    }

    /// <summary>Latent means of every cell: (cells, latent).</summary>
    public float[,] Embed(SparseCounts counts, int[] batchCodes)
    {
        RequireFits(counts, batchCodes);
        var result = new float[counts.Rows, Config.Latent];
        ForEachBatch(counts, batchCodes, Enumerable.Range(0, counts.Rows).ToArray(), (first, batch) =>
        {
            var mean = Net.Inference(batch.Counts).Mean.cpu();  // (B, latent)
            Copy(mean, result, first);
        });
        return result;
    }

    /// <summary>Normalised expression of the given cells: decoder softmax at the latent mean, in the cell's batch, times <paramref name="librarySize"/>: (cells, genes).</summary>
    public float[,] Normalize(SparseCounts counts, int[] batchCodes, int[] cells, double librarySize = 1e4)
    {
        RequireFits(counts, batchCodes);
        var result = new float[cells.Length, Config.Genes];
        ForEachBatch(counts, batchCodes, cells, (first, batch) =>
        {
            var mean = Net.Inference(batch.Counts).Mean;
            var logLibrary = batch.Counts.sum(1, keepdim: true).clamp_min(1).log();
            var scale = (Net.Generative(mean, batch.BatchOneHot, logLibrary).Scale * librarySize).cpu();  // (B, genes)
            Copy(scale, result, first);
        });
        return result;
    }

    /// <summary>Mean negative ELBO (reconstruction + KL, kl weight 1) per cell over <paramref name="cells"/>, one seeded posterior sample per cell.</summary>
    public double Elbo(SparseCounts counts, int[] batchCodes, int[] cells, long seed = 0)
    {
        RequireFits(counts, batchCodes);
        if (cells.Length == 0) return double.NaN;
        manual_seed(seed);
        double sum = 0;
        ForEachBatch(counts, batchCodes, cells, (_, batch) =>
        {
            var loss = Net.Loss(batch.Counts, batch.BatchOneHot, klWeight: 1);
            sum += loss.Total.item<float>() * batch.Counts.shape[0];
        });
        return sum / cells.Length;
    }

    /// <summary>Each cell's batch index in this model's batches (by name); an unknown batch is the user's mistake.</summary>
    public int[] BatchCodes(IReadOnlyList<string>? batchOfCell, int cells, string source)
    {
        if (Config.Batches == 1 || batchOfCell is null) return new int[cells];
        var index = Config.BatchNames.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i);
        return batchOfCell.Select(b => index.TryGetValue(b, out var i) ? i
            : throw new UserInputException($"{source}: batch '{b}' was not seen in training (the model knows {string.Join(", ", Config.BatchNames)})")).ToArray();
    }

    private void RequireFits(SparseCounts counts, int[] batchCodes)
    {
        if (counts.Columns != Config.Genes)
            throw new UserInputException($"the data have {counts.Columns} genes, the model was trained on {Config.Genes}");
        if (batchCodes.Length != counts.Rows || batchCodes.Any(b => b < 0 || b >= Config.Batches))
            throw new ArgumentException("batch codes do not match the cells or the model's batches");
    }

    private void ForEachBatch(SparseCounts counts, int[] batchCodes, int[] cells, Action<int, CellBatch> work)
    {
        Net.eval();
        var source = new CellBatches(counts, batchCodes, Config.BatchInputs, cells, Device);
        for (var first = 0; first < cells.Length; first += InferenceBatch)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var rows = cells[first..Math.Min(cells.Length, first + InferenceBatch)];
            work(first, source.Rows(rows));
        }
    }

    private static void Copy(Tensor values, float[,] target, int firstRow)
    {
        var columns = (int)values.shape[1];
        var data = values.contiguous().data<float>().ToArray();
        Buffer.BlockCopy(data, 0, target, firstRow * columns * sizeof(float), data.Length * sizeof(float));
    }
}
