using LabelFree.Core.Errors;
using LabelFree.Core.Randomness;
using LabelFree.Core.Training;
using LabelFree.Learning.Objectives;
using static TorchSharp.torch;

namespace LabelFree.Learning.Methods.TableAe;

/// <summary>Rows of a table (samples x columns) served as raw-valued minibatches (B, columns).</summary>
public sealed class TableRows(float[][] rows, Device device) : IBatchSource<Tensor>
{
    public int Count => rows.Length;

    public Tensor Load(ReadOnlySpan<int> indices, Rng rng)
    {
        var columns = rows[0].Length;
        var data = new float[indices.Length * columns];
        for (var i = 0; i < indices.Length; i++) rows[indices[i]].CopyTo(data, i * columns);
        return tensor(data, [indices.Length, columns]).to(device);
    }
}

/// <summary>
/// A fully connected autoencoder or VAE of per-person measurements (<see cref="TableAeConfig"/>), whose latents are
/// phenotypes: <see cref="Embed"/> (latent means), <see cref="Reconstruct"/>, and <see cref="Decode"/> (rows from
/// chosen latents, for traversals).
/// </summary>
public sealed class TableAe : MethodModel<TableAe, TableAeConfig, TableAeNet, Tensor>, IMethodDefinition<TableAe, TableAeConfig, TableAeNet>
{
    private const int InferenceBatch = 512;

    private TableAe(TableAeConfig config, TableAeNet net, Device device) : base(config, net, device) { }

    public static string MethodName => "table-ae";

    static TableAeNet IMethodDefinition<TableAe, TableAeConfig, TableAeNet>.BuildNetwork(TableAeConfig config) => new(config);

    static TableAe IMethodDefinition<TableAe, TableAeConfig, TableAeNet>.Wrap(TableAeConfig config, TableAeNet net, Device device) => new(config, net, device);

    public override LossOutput Loss(Tensor batch, TrainingStep at)
    {
        var x = Net.Standardise(batch);                      // (B, inputs)
        var encoding = Net.Encode(x);
        var reconstruction = nn.functional.mse_loss(Net.Decode(encoding.Sample), x);
        if (encoding.LogVariance is not { } logVariance)
            return new LossOutput(reconstruction, new Dictionary<string, Tensor> { ["mse"] = reconstruction });
        var kl = GaussianKl.ToStandardNormal(encoding.Mean, logVariance.exp(), logVariance).sum(1).mean() / Config.Inputs;
        return new LossOutput(reconstruction + Config.KlWeight * kl, new Dictionary<string, Tensor> { ["mse"] = reconstruction, ["kl"] = kl });
    }

    /// <summary>Adam at 1e-3 (weight decay 1e-5), batch 32, <paramref name="epochs"/> epochs (100 by default), the last weights kept, a checkpoint every 250 steps.</summary>
    public static TrainerOptions DefaultTraining(long seed, int? epochs = null) => new()
    {
        Seed = seed,
        Epochs = epochs ?? 100,
        CheckpointEverySteps = 250,
        BatchSize = 32,
        Optimizer = OptimizerKind.Adam,
        LearningRate = 1e-3,
        WeightDecay = 1e-5,
        RestoreBestWeights = false,
        LogEverySteps = 50,
    };

    /// <summary>Sets the standardisation from <paramref name="rows"/> and trains on them.</summary>
    public TrainingResult Fit(float[][] rows, TrainingRun run)
    {
        RequireFits(rows);
        var (mean, sd) = ColumnMoments(rows);
        Net.SetStandardisation(mean, sd);
        return Train(new TableRows(rows, Device), null, run);
    }

    /// <summary>Latent means of every row: (rows, latent).</summary>
    public float[,] Embed(float[][] rows)
    {
        RequireFits(rows);
        return Batched(rows.Length, Config.Latent, (first, count) => Net.Encode(Net.Standardise(Rows(rows, first, count))).Mean);
    }

    /// <summary>The reconstruction of every row in raw units: (rows, inputs).</summary>
    public float[,] Reconstruct(float[][] rows)
    {
        RequireFits(rows);
        return Batched(rows.Length, Config.Inputs, (first, count) =>
            Net.Unstandardise(Net.Decode(Net.Encode(Net.Standardise(Rows(rows, first, count))).Mean)));
    }

    /// <summary>Rows in raw units decoded from the given latents (points, latent): (points, inputs).</summary>
    public float[,] Decode(float[,] latents)
    {
        if (latents.GetLength(1) != Config.Latent) throw new ArgumentException($"expected {Config.Latent} latent values per point", nameof(latents));
        var points = Enumerable.Range(0, latents.GetLength(0)).Select(i => Enumerable.Range(0, Config.Latent).Select(j => latents[i, j]).ToArray()).ToArray();
        return Batched(points.Length, Config.Inputs, (first, count) => Net.Unstandardise(Net.Decode(Rows(points, first, count))));
    }

    /// <summary>Per-column mean and standard deviation (population) of the rows.</summary>
    public static (float[] Mean, float[] Sd) ColumnMoments(float[][] rows)
    {
        var columns = rows[0].Length;
        var mean = new double[columns];
        var square = new double[columns];
        foreach (var row in rows)
            for (var j = 0; j < columns; j++) mean[j] += row[j];
        for (var j = 0; j < columns; j++) mean[j] /= rows.Length;
        foreach (var row in rows)
            for (var j = 0; j < columns; j++) square[j] += (row[j] - mean[j]) * (row[j] - mean[j]);
        return (mean.Select(m => (float)m).ToArray(), square.Select(s => (float)Math.Sqrt(s / rows.Length)).ToArray());
    }

    private Tensor Rows(float[][] rows, int first, int count) => new TableRows(rows[first..(first + count)], Device).Load(Enumerable.Range(0, count).ToArray(), Rng.For(0, "rows"));

    private float[,] Batched(int rows, int columns, Func<int, int, Tensor> compute)
    {
        Net.eval();
        var result = new float[rows, columns];
        for (var first = 0; first < rows; first += InferenceBatch)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var count = Math.Min(InferenceBatch, rows - first);
            var values = compute(first, count).cpu().contiguous().data<float>().ToArray();  // (count, columns)
            Buffer.BlockCopy(values, 0, result, first * columns * sizeof(float), values.Length * sizeof(float));
        }
        return result;
    }

    private void RequireFits(float[][] rows)
    {
        if (rows.Length == 0) throw new UserInputException("the table has no rows");
        if (rows.Any(r => r.Length != Config.Inputs))
            throw new UserInputException($"the table has {rows[0].Length} columns, the model was trained on {Config.Inputs}");
        if (rows.Any(r => r.Any(v => !float.IsFinite(v)))) throw new UserInputException("the table has a missing or non-finite value; table-ae needs complete rows");
    }
}
