using LabelFree.Core.Randomness;
using LabelFree.Core.Training;
using LabelFree.Learning.Methods.Deformable;
using LabelFree.Learning.Methods.Micdir;
using LabelFree.Learning.Methods.VoxelMorph;
using LabelFree.Learning.Registration;
using LabelFree.TestKit;
using static TorchSharp.torch;

namespace LabelFree.Learning.Tests.Registration;

/// <summary>What both deformable methods do on tiny 2-D data (the shared contract is in <see cref="Methods.MethodContractTests"/>): a loss that falls, refinement.</summary>
public class DeformableModelTests
{
    private static readonly RegistrationGrid Grid = new([32, 32], 1.0);

    /// <summary>Pairs of one textured disc, the moving one shifted by up to 3 pixels (from the step's stream).</summary>
    private sealed class ShiftedDiscs : IBatchSource<RegistrationBatch>
    {
        public int Count => 16;

        public RegistrationBatch Load(ReadOnlySpan<int> indices, Rng rng)
        {
            var fixedData = new float[indices.Length * 32 * 32];
            var movingData = new float[fixedData.Length];
            for (var b = 0; b < indices.Length; b++)
            {
                double sx = rng.Uniform(-3, 3), sy = rng.Uniform(-3, 3);
                for (var i = 0; i < 32 * 32; i++)
                {
                    int x = i % 32, y = i / 32;
                    fixedData[b * 1024 + i] = Disc(x, y);
                    movingData[b * 1024 + i] = Disc(x - sx, y - sy);
                }
            }
            return new RegistrationBatch(tensor(fixedData, [indices.Length, 1, 32, 32]), tensor(movingData, [indices.Length, 1, 32, 32]));
        }
    }

    public static TheoryData<string> Methods => new() { VoxelMorph.MethodName, Micdir.MethodName };

    private static IDeformableModel Create(string method, long seed) => method == Micdir.MethodName
        ? Micdir.Create(new MicdirConfig { Grid = Grid, EncoderChannels = [8, 16], DecoderChannels = [16, 16, 8], IntegrationSteps = 4 }, seed, TestTorch.Cpu)
        : VoxelMorph.Create(new VoxelMorphConfig { Grid = Grid, EncoderChannels = [8, 16], DecoderChannels = [16, 16, 8], IntegrationSteps = 4, Bidirectional = true }, seed, TestTorch.Cpu);

    [Theory]
    [Trait(Category.Name, Category.Slow)]
    [MemberData(nameof(Methods))]
    public void A_short_training_run_lowers_the_loss_and_moves_the_disc(string method)
    {
        using var model = Create(method, 3);
        var data = new ShiftedDiscs();
        var trainable = (ITrainable<RegistrationBatch>)model;
        double LossNow()
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            trainable.Network.eval();
            return trainable.Loss(data.Load([0, 1, 2, 3], Rng.For(9, "test")), default).Total.item<float>();
        }
        var before = LossNow();
        model.Fit(data, null, new TrainingRun(new TrainerOptions { Seed = 1, MaxSteps = 40, BatchSize = 4, LearningRate = 3e-3, LogEverySteps = 10 }));
        var after = LossNow();
        Assert.True(after < before - 0.02, $"{method}: loss {before:F4} -> {after:F4}");

        var pair = data.Load([0], Rng.For(9, "pair"));
        var fixedImage = pair.Fixed.data<float>().ToArray();
        var moving = pair.Moving.data<float>().ToArray();
        var flow = model.PredictFlow(fixedImage, moving);
        Assert.Equal(2 * 32 * 32, flow.Length);
        Assert.All(flow, v => Assert.True(float.IsFinite(v)));
        Assert.True(flow.Max(Math.Abs) > 0.1f, "the trained model should move the disc");
        pair.Fixed.Dispose();
        pair.Moving.Dispose();
    }

    [Theory]
    [MemberData(nameof(Methods))]
    public void Instance_optimisation_recovers_a_shift_the_untrained_network_misses(string method)
    {
        using var model = Create(method, 5);
        // The moving disc sits 2 pixels further along x: moving(x, y) = fixed(x - 2, y), so the flow should be +2 along x.
        var fixedImage = new float[32 * 32];
        var moving = new float[32 * 32];
        for (var i = 0; i < fixedImage.Length; i++)
        {
            int x = i % 32, y = i / 32;
            fixedImage[i] = Disc(x, y);
            moving[i] = Disc(x - 2, y);
        }
        var inside = Enumerable.Range(0, 32 * 32).Where(i => fixedImage[i] > 0 && moving[i] > 0).ToArray();
        var plain = model.PredictFlow(fixedImage, moving);         // (x block, y block)
        var refined = model.PredictFlow(fixedImage, moving, new InstanceOptions(60, 0.1));
        var plainX = inside.Average(i => plain[i]);
        var refinedX = inside.Average(i => refined[i]);
        var refinedY = inside.Average(i => refined[1024 + i]);
        Assert.True(Math.Abs(plainX) < 0.5, $"{method}: the untrained network already moves {plainX:F2} px");
        Assert.InRange(refinedX, 1.3, 2.7);
        Assert.InRange(refinedY, -0.5, 0.5);
        Assert.Equal(plain, model.PredictFlow(fixedImage, moving));  // refining leaves the network as it was
    }

    private static float Disc(double x, double y)
    {
        var r = Math.Sqrt((x - 16) * (x - 16) + (y - 16) * (y - 16));
        return r < 10 ? (float)(0.6 + 0.3 * Math.Sin(x / 2.0) * Math.Cos(y / 3.0)) : 0f;
    }

    [Fact]
    public void Configs_name_the_bad_field()
    {
        var error = Assert.Throws<Core.Errors.UserInputException>(() => new VoxelMorphConfig { Grid = new([30, 32, 32], 2) }.Validate());
        Assert.Contains("multiples of 16", error.Message);
        Assert.Throws<Core.Errors.UserInputException>(() => new MicdirConfig { NccWindow = 4 }.Validate());
    }
}
