using LabelFree.Core.Randomness;
using LabelFree.Core.Training;
using LabelFree.Data.Imaging;
using LabelFree.Data.Sequences;
using LabelFree.Data.Signals;
using LabelFree.Data.SingleCell;
using LabelFree.Data.SingleCell.Simulation;
using LabelFree.Learning.Methods;
using LabelFree.Learning.Methods.AnomalyTransformer;
using LabelFree.Learning.Methods.Behrt;
using LabelFree.Learning.Methods.Contig;
using LabelFree.Learning.Methods.ConvAutoencoder;
using LabelFree.Learning.Methods.Deformable;
using LabelFree.Learning.Methods.Dino;
using LabelFree.Learning.Methods.DnaLanguageModel;
using LabelFree.Learning.Methods.Maat;
using LabelFree.Learning.Methods.Micdir;
using LabelFree.Learning.Methods.Scvi;
using LabelFree.Learning.Methods.Simclr;
using LabelFree.Learning.Methods.Scad;
using LabelFree.Learning.Methods.Strega;
using LabelFree.Learning.Methods.TableAe;
using LabelFree.Learning.Methods.VoxelMorph;
using LabelFree.Learning.Nn;
using LabelFree.Learning.Registration;
using LabelFree.TestKit;
using TorchSharp;
using static TorchSharp.torch;

namespace LabelFree.Learning.Tests.Methods;

/// <summary>
/// The contract every method meets, on tiny synthetic data: create, a few training steps with a finite loss, save,
/// load (the same config, compared by value, and identical predictions), and no tensor left alive by further steps.
/// A new method adds one <see cref="MethodCase"/> here.
/// </summary>
public class MethodContractTests
{
    /// <summary>How the contract drives one method: create, train a few steps, reload and predict.</summary>
    private sealed record MethodCase(
        string Name,
        Func<long, IMethodModel> Create,
        Func<IMethodModel, int, TrainingResult> Train,
        Func<string, IMethodModel> Load,
        Func<IMethodModel, float[]> Predict);

    private static readonly RegistrationGrid Grid2D = new([32, 32], 1.0);
    private static readonly List<float[]> Slices = Blobs(8);
    private static readonly CellData Cells = CountSimulator.Simulate(new SimulationOptions { Cells = 64, Genes = 20, CellTypes = 2, Batches = 2 }, seed: 4);
    private static readonly int[] CellBatchCodes = CellData.Encode(Cells.Obs["batch"]).Codes;

    private static readonly (List<BehrtSequence> Sentences, List<float[]> Targets) Patients = BehrtToy.Sentences(16, seed: 5);
    private static readonly SequenceRecord[] Dna = Enumerable.Range(0, 6).Select(i => SequenceRecord.FromText($"r{i}",
        new string(Enumerable.Range(0, 90).Select(j => "ACGT"[(j * j + 7 * i + j / 5) % 4]).ToArray()))).ToArray();
    private static readonly ReadOnlyMemory<byte>[] DnaBases = Dna.Select(r => (ReadOnlyMemory<byte>)r.Bases).ToArray();

    /// <summary>Two channels of noisy sines, 200 samples, and a tiny anomaly-attention encoder of window 16.</summary>
    private static readonly Signal Waves = new("waves", ["x0", "x1"], [.. Enumerable.Range(0, 2).Select(c =>
        Enumerable.Range(0, 200).Select(t => (float)(Math.Sin(t / (3.0 + c)) + 0.1 * Math.Cos(7.0 * t))).ToArray())], SamplingRate: 50);

    private static readonly AnomalyTransformerConfig TinyEncoder = new()
    {
        Input = SignalInput.FittedOn(Waves), Window = 16, Hidden = 16, Heads = 2, Layers = 2, FeedForward = 16,
    };

    private static readonly IReadOnlyList<Data.Tiles.TileImage> SslImages = DinoTests.Images(8).Select((t, i) => t with { Group = $"g{i / 2}" }).ToList();

    private static readonly float[,] SslRows = new float[8, 3] { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 }, { 1, 1, 0 }, { 0, 1, 1 }, { 1, 0, 1 }, { 1, 1, 1 }, { 0, 0, 0 } };

    private static TrainingRun Steps(int steps) => new(new TrainerOptions { Seed = 1, MaxSteps = steps, BatchSize = 4, LearningRate = 1e-3 });

    public static TheoryData<string> Names => [.. All.Select(c => c.Name)];

    private static MethodCase Case(string name) => All.Single(c => c.Name == name);

    private static readonly MethodCase[] All =
    [
        new MethodCase(ConvAutoencoder.MethodName,
            seed => ConvAutoencoder.Create(new ConvAutoencoderConfig { Height = 16, Width = 16, Channels = [4, 8], LatentChannels = 2 }, seed, TestTorch.Cpu),
            (m, steps) => ((ConvAutoencoder)m).Fit(new SliceDataset(Slices, 16, 16, TestTorch.Cpu), null, Steps(steps)),
            folder => ConvAutoencoder.Load(folder, TestTorch.Cpu),
            m => ((ConvAutoencoder)m).Reconstruct(Slices).SelectMany(r => r).ToArray()),
        new MethodCase(Strega.MethodName,
            seed => Strega.Create(new StregaConfig { Preprocessing = new PreprocessingOptions(Height: 16, Width: 16), Channels = [4, 8], LatentDim = 8 }, seed, TestTorch.Cpu),
            (m, steps) => ((Strega)m).Fit(new SliceDataset(Slices, 16, 16, TestTorch.Cpu), new SliceDataset(Slices[..2], 16, 16, TestTorch.Cpu), Steps(steps)),
            folder => Strega.Load(folder, TestTorch.Cpu),
            m => ((Strega)m).Reconstruct(Slices).SelectMany(r => r).ToArray()),
        new MethodCase(Scad.MethodName,
            seed => Scad.Create(new ScadConfig { Preprocessing = new PreprocessingOptions(Height: 16, Width: 16), Teacher = new() { Channels = 1, Width = 4, SmallInputs = false } },
                seed, TestTorch.Cpu),
            (m, steps) => ((Scad)m).Fit(new SliceDataset(Slices, 16, 16, TestTorch.Cpu), new SliceDataset(Slices[..2], 16, 16, TestTorch.Cpu), Steps(steps)),
            folder => Scad.Load(folder, TestTorch.Cpu),
            m => ((Scad)m).Maps(Slices).SelectMany(r => r).ToArray()),
        new MethodCase(Scvi.MethodName,
            seed => Scvi.Create(new ScviConfig { Genes = 20, Batches = 2, BatchNames = ["0", "1"], Hidden = 16, Latent = 3 }, seed, TestTorch.Cpu),
            (m, steps) => ((Scvi)m).Fit(Cells.Counts, CellBatchCodes, Scvi.Split(Cells.Cells, seed: 1, batchSize: 4), Steps(steps)),
            folder => Scvi.Load(folder, TestTorch.Cpu),
            m => Flatten(((Scvi)m).Embed(Cells.Counts, CellBatchCodes))),
        new MethodCase(VoxelMorph.MethodName,
            seed => VoxelMorph.Create(new VoxelMorphConfig { Grid = Grid2D, EncoderChannels = [8, 16], DecoderChannels = [16, 16, 8], IntegrationSteps = 4 }, seed, TestTorch.Cpu),
            (m, steps) => ((IDeformableModel)m).Fit(new ShiftedDiscs(), null, Steps(steps)),
            folder => DeformableMethods.Load(folder, TestTorch.Cpu),
            m => ((IDeformableModel)m).PredictFlow(ShiftedDiscs.Fixed, ShiftedDiscs.Moving)),
        new MethodCase(Micdir.MethodName,
            seed => Micdir.Create(new MicdirConfig { Grid = Grid2D, EncoderChannels = [8, 16], DecoderChannels = [16, 16, 8], IntegrationSteps = 4 }, seed, TestTorch.Cpu),
            (m, steps) => ((IDeformableModel)m).Fit(new ShiftedDiscs(), null, Steps(steps)),
            folder => DeformableMethods.Load(folder, TestTorch.Cpu),
            m => ((IDeformableModel)m).PredictFlow(ShiftedDiscs.Fixed, ShiftedDiscs.Moving)),
        new MethodCase(Behrt.MethodName,
            seed => Behrt.Create(BehrtToy.Config, seed, TestTorch.Cpu),
            (m, steps) => ((Behrt)m).Fit(Patients.Sentences, Patients.Sentences[..4], Steps(steps)),
            folder => Behrt.Load(folder, TestTorch.Cpu),
            m => Flatten(((Behrt)m).Embed(Patients.Sentences))),
        new MethodCase(BehrtPredictor.MethodName,
            seed => BehrtPredictor.Create(new BehrtPredictorConfig { Encoder = BehrtToy.Config, Labels = ["has c0"] }, seed, TestTorch.Cpu),
            (m, steps) => ((BehrtPredictor)m).Fit(Patients.Sentences, Patients.Targets, Patients.Sentences[..4], Patients.Targets[..4], Steps(steps)),
            folder => BehrtPredictor.Load(folder, TestTorch.Cpu),
            m => Flatten(((BehrtPredictor)m).Predict(Patients.Sentences))),
        new MethodCase(AnomalyTransformer.MethodName,
            seed => AnomalyTransformer.Create(TinyEncoder, seed, TestTorch.Cpu),
            (m, steps) => ((AnomalyTransformer)m).Fit(Waves.Slice(0, 150), Waves.Slice(150, 200), Steps(steps), stride: 4),
            folder => AnomalyTransformer.Load(folder, TestTorch.Cpu),
            m => ((AnomalyTransformer)m).Score(Waves)),
        new MethodCase(Maat.MethodName,
            seed => Maat.Create(new MaatConfig { Encoder = TinyEncoder with { CausalAttention = true }, State = 4 }, seed, TestTorch.Cpu),
            (m, steps) => ((Maat)m).Fit(Waves.Slice(0, 150), Waves.Slice(150, 200), Steps(steps), stride: 4),
            folder => Maat.Load(folder, TestTorch.Cpu),
            m => ((Maat)m).Score(Waves)),
        new MethodCase(DnaLanguageModel.MethodName,
            seed => DnaLanguageModel.Create(DnaLanguageModelTests.Tiny(DnaMethod.Dnabert), seed, TestTorch.Cpu),
            (m, steps) => ((DnaLanguageModel)m).Fit(Dna, 40, DnaBases[..2], Steps(steps)),
            folder => DnaLanguageModel.Load(folder, TestTorch.Cpu),
            m => ((DnaLanguageModel)m).Embed(DnaBases).Mean.Cast<float>().ToArray()),
        new MethodCase(DnaClassifier.MethodName,
            seed => NewDnaClassifier(seed),
            (m, steps) => ((DnaClassifier)m).Fit(DnaBases, [0, 1, 0, 1, 0, 1], (DnaBases[..2], [0, 1]), Steps(steps)),
            folder => DnaClassifier.Load(folder, TestTorch.Cpu),
            m => ((DnaClassifier)m).Predict(DnaBases).Cast<double>().Select(p => (float)p).ToArray()),
        new MethodCase(Simclr.MethodName,
            seed => Simclr.Create(new SimclrConfig { Encoder = new ImageEncoderConfig { ImageSize = 16, Width = 4 }, ProjectionDimension = 8, Micle = true }, seed, TestTorch.Cpu),
            (m, steps) => ((Simclr)m).Fit(SslImages, Steps(steps)),
            folder => Simclr.Load(folder, TestTorch.Cpu),
            m => Flatten(((Simclr)m).Embed(SslImages))),
        new MethodCase(Dino.MethodName,
            seed => Dino.Create(DinoTests.Tiny, seed, TestTorch.Cpu),
            (m, steps) => ((Dino)m).Fit(SslImages, new TrainingRun(Dino.DefaultTraining(DinoTests.Tiny, steps, seed: 1, batchSize: 4))),
            folder => Dino.Load(folder, TestTorch.Cpu),
            m => Flatten(((Dino)m).Embed(SslImages))),
        new MethodCase(Contig.MethodName,
            seed => Contig.Create(new ContigConfig { Encoder = new ImageEncoderConfig { ImageSize = 16, Width = 4 }, TableFeatures = 3, TableHidden = 8, ProjectionDimension = 4 }, seed, TestTorch.Cpu),
            (m, steps) => ((Contig)m).Fit(SslImages, SslRows, Steps(steps)),
            folder => Contig.Load(folder, TestTorch.Cpu),
            m => [.. Flatten(((Contig)m).ProjectImages(SslImages)), .. Flatten(((Contig)m).ProjectRows(SslRows))]),
        new MethodCase(TableAe.MethodName,
            seed => TableAe.Create(new TableAeConfig { Inputs = 3, Hidden = [8], Latent = 2, Variational = true }, seed, TestTorch.Cpu),
            (m, steps) => ((TableAe)m).Fit(TableRowsOf(SslRows), Steps(steps)),
            folder => TableAe.Load(folder, TestTorch.Cpu),
            m => [.. Flatten(((TableAe)m).Embed(TableRowsOf(SslRows))), .. Flatten(((TableAe)m).Reconstruct(TableRowsOf(SslRows)))]),
    ];

    private static float[][] TableRowsOf(float[,] rows) =>
        Enumerable.Range(0, rows.GetLength(0)).Select(i => Enumerable.Range(0, rows.GetLength(1)).Select(j => rows[i, j] + 0.1f * i).ToArray()).ToArray();

    [Theory]
    [MemberData(nameof(Names))]
    public void Trains_saves_loads_and_predicts_the_same(string name)
    {
        var method = Case(name);
        using var folder = new TempFolder();
        using var model = method.Create(1);
        Assert.Equal(method.Name, model.Method);

        var result = method.Train(model, 3);
        Assert.Equal(3, result.Steps);
        Assert.True(double.IsFinite(result.FinalLoss), $"{method.Name}: loss {result.FinalLoss}");
        var predicted = method.Predict(model);
        Assert.NotEmpty(predicted);
        Assert.All(predicted, v => Assert.True(float.IsFinite(v)));

        model.Save(folder.Path, seed: 1, step: result.Steps);
        using var loaded = method.Load(folder.Path);
        Assert.Equal(method.Name, loaded.Method);
        Assert.Equal(model.ConfigRecord, loaded.ConfigRecord);
        Assert.Equal(predicted, method.Predict(loaded));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Training_and_prediction_leak_no_tensors(string name)
    {
        var method = Case(name);
        using var model = method.Create(2);
        method.Train(model, 2);  // the first run creates what lives on (LibTorch caches, lazily built buffers)
        method.Predict(model);
        var before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        method.Train(model, 2);
        method.Predict(model);

        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void The_same_seed_gives_the_same_network_and_another_seed_a_different_one(string name)
    {
        var method = Case(name);
        using var a = method.Create(3);
        using var b = method.Create(3);
        using var c = method.Create(4);
        Assert.Equal(Weights(a), Weights(b));
        Assert.NotEqual(Weights(a), Weights(c));
    }

    /// <summary>A classifier fine-tuned from a new tiny Nucleotide Transformer (the language model is disposed once its encoder is copied).</summary>
    private static DnaClassifier NewDnaClassifier(long seed)
    {
        using var pretrained = DnaLanguageModel.Create(DnaLanguageModelTests.Tiny(DnaMethod.Nt), seed, TestTorch.Cpu);
        return DnaClassifier.FromPretrained(pretrained, ["x", "y"], seed, TestTorch.Cpu);
    }

    /// <summary>Pairs of one textured disc, the moving one shifted by up to 3 pixels (from the step's stream).</summary>
    private sealed class ShiftedDiscs : IBatchSource<RegistrationBatch>
    {
        public static readonly float[] Fixed = Image(0, 0);
        public static readonly float[] Moving = Image(2, -1);

        public int Count => 8;

        public RegistrationBatch Load(ReadOnlySpan<int> indices, Rng rng)
        {
            var fixedData = new float[indices.Length * 32 * 32];
            var movingData = new float[fixedData.Length];
            for (var b = 0; b < indices.Length; b++)
            {
                Fixed.CopyTo(fixedData, b * 1024);
                Image(rng.Uniform(-3, 3), rng.Uniform(-3, 3)).CopyTo(movingData, b * 1024);
            }
            return new RegistrationBatch(tensor(fixedData, [indices.Length, 1, 32, 32]), tensor(movingData, [indices.Length, 1, 32, 32]));
        }

        private static float[] Image(double sx, double sy) => Enumerable.Range(0, 32 * 32).Select(i =>
        {
            double x = i % 32 - sx, y = i / 32 - sy;
            var r = Math.Sqrt((x - 16) * (x - 16) + (y - 16) * (y - 16));
            return r < 10 ? (float)(0.6 + 0.3 * Math.Sin(x / 2.0) * Math.Cos(y / 3.0)) : 0f;
        }).ToArray();
    }

    /// <summary>Bright discs on a dark background at seeded positions, 16x16.</summary>
    private static List<float[]> Blobs(int count) => Enumerable.Range(0, count).Select(i =>
    {
        var rng = new Rng((ulong)i);
        double cx = rng.Uniform(5, 11), cy = rng.Uniform(5, 11), r = rng.Uniform(2, 4);
        var image = new float[256];
        for (var y = 0; y < 16; y++)
            for (var x = 0; x < 16; x++)
                image[y * 16 + x] = (x - cx) * (x - cx) + (y - cy) * (y - cy) < r * r ? 0.9f : 0.1f;
        return image;
    }).ToList();

    private static float[] Flatten(float[,] values) => values.Cast<float>().ToArray();

    private static float[] Weights(IMethodModel model) =>
        model.Network.parameters().SelectMany(p => p.detach().cpu().data<float>().ToArray()).ToArray();
}
