using LabelFree.Core.Training;
using LabelFree.Data.SingleCell;
using LabelFree.Data.SingleCell.Simulation;
using LabelFree.Learning.Methods.Scvi;
using LabelFree.TestKit;
using static TorchSharp.torch;

namespace LabelFree.Learning.Tests.Methods;

/// <summary>scVI's own behaviour on tiny simulated counts (the shared contract is in <see cref="MethodContractTests"/>): defaults, split, shapes, a falling held-out ELBO.</summary>
public class ScviTests
{
    private static readonly CellData Cells = CountSimulator.Simulate(new SimulationOptions { Cells = 300, Genes = 60, CellTypes = 3, Batches = 2 }, seed: 4);
    private static readonly (int[] Codes, string[] Names) Batches = CellData.Encode(Cells.Obs["batch"]);

    private static ScviConfig Config(GeneLikelihood likelihood = GeneLikelihood.Zinb) =>
        new() { Genes = 60, Batches = 2, BatchNames = Batches.Names, Hidden = 32, Latent = 4, Likelihood = likelihood };

    [Fact]
    public void Defaults_are_scvi_tools_defaults()
    {
        var config = new ScviConfig { Genes = 100 };
        Assert.Equal((128, 10, 0.1, 0.01, 1e-3, GeneLikelihood.Zinb, 400), (config.Hidden, config.Latent, config.DropoutRate, config.BatchNormMomentum, config.BatchNormEps, config.Likelihood, config.KlWarmupEpochs));
        Assert.Equal(400, ScviConfig.DefaultEpochs(5000));
        Assert.Equal(80, ScviConfig.DefaultEpochs(100_000));
        Assert.Equal(0.5, config.KlWeight(200));
        Assert.Equal(1.0, config.KlWeight(900));
        var training = Scvi.DefaultTraining(1000, seed: 0);
        Assert.Equal((128, 1e-3, 0.01, 1e-6), (training.BatchSize, training.LearningRate, training.AdamEpsilon, training.WeightDecay));
    }

    [Fact]
    public void Split_holds_out_a_tenth_and_never_leaves_a_single_cell_minibatch()
    {
        var split = Scvi.Split(1000, seed: 1);
        Assert.Equal(900, split.Train.Length);
        Assert.Equal(1000, split.Train.Concat(split.Validation).Distinct().Count());
        var odd = Scvi.Split(144, seed: 1);  // ceil(0.9 * 144) = 130 = 128 + 2; 145 would give 129 = 128 + 1
        Assert.NotEqual(1, Scvi.Split(145, seed: 1).Train.Length % 128);
        Assert.Equal(130, odd.Train.Length);
    }

    [Theory]
    [InlineData(GeneLikelihood.Zinb)]
    [InlineData(GeneLikelihood.Nb)]
    public void Network_shapes_and_decoder_rows_sum_to_one(GeneLikelihood likelihood)
    {
        _ = TestTorch.Cpu;
        using var scope = NewDisposeScope();
        using var net = new ScviNet(Config(likelihood));
        var source = new CellBatches(Cells.Counts, Batches.Codes, 2, Enumerable.Range(0, 16).ToArray(), TestTorch.Cpu);
        var batch = source.Rows(Enumerable.Range(0, 16).ToArray());
        var q = net.Inference(batch.Counts);
        Assert.Equal([16L, 4], q.Mean.shape);
        Assert.True(q.Variance.min().item<float>() > 0);
        var px = net.Generative(q.Sample, batch.BatchOneHot, batch.Counts.sum(1, keepdim: true).log());
        Assert.Equal([16L, 60], px.Mean.shape);
        Assert.Equal(1f, px.Scale.sum(1).mean().item<float>(), 4);
        Assert.Equal(likelihood == GeneLikelihood.Zinb, px.DropoutLogits is not null);
    }

    [Theory]
    [InlineData(GeneLikelihood.Zinb)]
    [InlineData(GeneLikelihood.Nb)]
    public void Training_lowers_the_held_out_elbo_and_normalized_rows_sum_to_the_library_size(GeneLikelihood likelihood)
    {
        var device = TestTorch.Cpu;
        using var model = Scvi.Create(Config(likelihood), seed: 1, device);
        var split = Scvi.Split(Cells.Cells, seed: 1);
        var before = model.Elbo(Cells.Counts, Batches.Codes, split.Validation);
        var result = model.Fit(Cells.Counts, Batches.Codes, split, new TrainingRun(Scvi.DefaultTraining(Cells.Cells, seed: 1, epochs: 8)));
        var after = model.Elbo(Cells.Counts, Batches.Codes, split.Validation);
        Assert.True(double.IsFinite(result.FinalLoss));
        Assert.True(after < before * 0.98, $"held-out negative ELBO {before:G4} -> {after:G4}");

        var embedding = model.Embed(Cells.Counts, Batches.Codes);
        Assert.Equal(Cells.Cells, embedding.GetLength(0));
        Assert.Equal(4, embedding.GetLength(1));
        var normalized = model.Normalize(Cells.Counts, Batches.Codes, [0, 1, 2]);
        for (var i = 0; i < 3; i++) Assert.Equal(1e4, Enumerable.Range(0, 60).Sum(g => (double)normalized[i, g]), 1);
    }
}
