using LabelFree.Core.Errors;
using LabelFree.Core.Models;
using LabelFree.Core.Training;
using LabelFree.TestKit;
using TorchSharp;
using static TorchSharp.torch;

namespace LabelFree.Core.Tests.Training;

public class TrainerTests
{
    private static readonly TrainerOptions Options = new()
    {
        Seed = 7,
        Epochs = 6,
        BatchSize = 16,
        LearningRate = 1e-2,
        CheckpointEverySteps = 5,
        LogEverySteps = 3,
        Schedule = LearningRateSchedule.Cosine,
        WarmupSteps = 4,
        GradientClipNorm = 5,
    };

    [Fact]
    public void Loss_falls_on_a_toy_problem()
    {
        _ = TestTorch.Cpu;
        using var task = new ToyRegression(seed: 1);
        using var data = new ToyRegression.Data(64, seed: 2);
        var first = FirstStepLoss(task, data);

        var result = new Trainer<(Tensor, Tensor)>(task, Options with { Epochs = 40 }, runFolder: null).Fit(data);

        Assert.Equal(160, result.Steps);
        Assert.True(result.FinalLoss < first / 5, $"loss went from {first} to {result.FinalLoss}");
    }

    [Fact]
    public void Same_seed_gives_bit_identical_weights()
    {
        _ = TestTorch.Cpu;
        var a = TrainAndReadWeights(seed: 3);
        var b = TrainAndReadWeights(seed: 3);
        var c = TrainAndReadWeights(seed: 4);

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void A_killed_run_resumed_from_its_checkpoint_ends_exactly_like_an_uninterrupted_one()
    {
        _ = TestTorch.Cpu;
        using var folder = new TempFolder();

        // Uninterrupted.
        TrainingResult full;
        float[] fullWeights;
        using (var task = new ToyRegression(seed: 5))
        using (var data = new ToyRegression.Data(64, seed: 6))
        {
            full = new Trainer<(Tensor, Tensor)>(task, Options, folder["full"]).Fit(data);
            fullWeights = Flatten(task.Network);
        }

        // Killed during step 13: the newest checkpoint is at step 10.
        using (var task = new ToyRegression(seed: 5))
        using (var data = new ToyRegression.Data(64, seed: 6))
        {
            var loads = 0;
            using var kill = new CancellationTokenSource();
            data.OnLoad = _ => { if (++loads == 13) kill.Cancel(); };
            Assert.Throws<OperationCanceledException>(() =>
                new Trainer<(Tensor, Tensor)>(task, Options, folder["killed"]).Fit(data, cancel: kill.Token));
        }
        Assert.True(Directory.Exists(Path.Combine(folder["killed"], "checkpoints", "step-00000010")));

        // Resumed in a new process-like setting: a differently initialised network, the same options.
        using (var task = new ToyRegression(seed: 999))
        using (var data = new ToyRegression.Data(64, seed: 6))
        {
            var resumed = new Trainer<(Tensor, Tensor)>(task, Options, folder["killed"]).Fit(data, resume: true);
            Assert.Equal(10, resumed.ResumedFromStep);
            Assert.Equal(full.Steps, resumed.Steps);
            Assert.Equal(full.FinalLoss, resumed.FinalLoss);
            Assert.Equal(fullWeights, Flatten(task.Network));
        }

        var fullMetrics = MetricsLog.Read(Path.Combine(folder["full"], MetricsLog.FileName));
        var resumedMetrics = MetricsLog.Read(Path.Combine(folder["killed"], MetricsLog.FileName));
        Assert.Equal(fullMetrics.Select(m => (m.Step, m.Loss)), resumedMetrics.Select(m => (m.Step, m.Loss)));
    }

    [Fact]
    public void Checkpoints_keep_only_the_newest_and_hold_weights_optimizer_and_state()
    {
        _ = TestTorch.Cpu;
        using var folder = new TempFolder();
        using var task = new ToyRegression(seed: 1);
        using var data = new ToyRegression.Data(64, seed: 2);

        new Trainer<(Tensor, Tensor)>(task, Options, folder.Path).Fit(data);

        var checkpoints = Directory.GetDirectories(Path.Combine(folder.Path, "checkpoints")).Select(Path.GetFileName).Order().ToList();
        Assert.Equal(["step-00000020", "step-00000024"], checkpoints);
        foreach (var file in new[] { "model.safetensors", "optimizer.bin", "trainer.json" })
            Assert.True(File.Exists(Path.Combine(folder.Path, "checkpoints", "step-00000024", file)), file);
    }

    [Fact]
    public void A_nan_loss_stops_with_one_line_naming_the_step_and_keeps_the_last_good_checkpoint()
    {
        _ = TestTorch.Cpu;
        using var folder = new TempFolder();
        using var task = new ToyRegression(seed: 1);
        using var data = new ToyRegression.Data(64, seed: 2);
        var loads = 0;
        data.OnLoad = _ => { if (++loads == 8) task.LossScale = float.NaN; };

        var error = Assert.Throws<TrainingDivergedException>(() => new Trainer<(Tensor, Tensor)>(task, Options, folder.Path).Fit(data));

        Assert.DoesNotContain('\n', error.Message);
        Assert.Contains("step 8", error.Message);
        Assert.Contains("step-00000005", error.Message);
        var weights = Safetensors.Load(Path.Combine(folder.Path, "checkpoints", "step-00000005", "model.safetensors"));
        Assert.All(weights.Values, w => Assert.True(w.isfinite().all().item<bool>()));
    }

    [Fact]
    public void Early_stopping_stops_after_patience_and_restores_the_best_weights()
    {
        _ = TestTorch.Cpu;
        using var task = new ToyRegression(seed: 1);
        using var train = new ToyRegression.Data(64, seed: 2);
        using var validation = new ToyRegression.Data(32, seed: 3, noise: 5f);  // noisy: validation soon stops improving
        var options = Options with { Epochs = 200, LearningRate = 0.05, ValidateEverySteps = 4, EarlyStoppingPatience = 3, Schedule = LearningRateSchedule.Constant };

        var result = new Trainer<(Tensor, Tensor)>(task, options, runFolder: null).Fit(train, validation);

        Assert.True(result.StoppedEarly);
        Assert.True(result.Steps < 800);
        Assert.Equal(result.Steps, result.BestStep + 3 * 4);
        task.Network.eval();
        using var scope = NewDisposeScope();
        var (x, y) = validation.Load(Enumerable.Range(0, 32).ToArray(), new Randomness.Rng(0));
        var restored = nn.functional.mse_loss(((nn.Module<Tensor, Tensor>)task.Network).call(x), y).item<float>();
        Assert.Equal(result.BestValidationLoss!.Value, restored, 4);
    }

    [Fact]
    public void Steps_leak_no_tensors()
    {
        _ = TestTorch.Cpu;
        using var task = new ToyRegression(seed: 1);
        using var data = new ToyRegression.Data(64, seed: 2);
        var live = new List<long>();
        data.OnLoad = _ => live.Add(DisposeScopeManager.Statistics.ThreadTotalLiveCount);

        new Trainer<(Tensor, Tensor)>(task, Options with { Epochs = 2 }, runFolder: null).Fit(data);

        // Step 1 creates Adam's moment buffers; from then on every step starts with the same number of live tensors.
        Assert.Equal(8, live.Count);
        Assert.Single(live.Skip(2).Distinct());
    }

    [Fact]
    public void Learning_rate_warms_up_linearly_then_follows_a_cosine()
    {
        var options = new TrainerOptions { LearningRate = 1.0, WarmupSteps = 10, Schedule = LearningRateSchedule.Cosine, MinLearningRateFraction = 0.1 };
        Assert.Equal(0.1, options.LearningRateAt(0, 110), 12);
        Assert.Equal(1.0, options.LearningRateAt(9, 110), 12);
        Assert.Equal(1.0, options.LearningRateAt(10, 110), 12);
        Assert.Equal(0.55, options.LearningRateAt(60, 110), 12);
        Assert.Equal(0.1, options.LearningRateAt(110, 110), 12);
    }

    [Fact]
    public void Bad_options_name_the_field()
    {
        var error = Assert.Throws<SettingException>(() => new TrainerOptions { BatchSize = 0 }.Validate());
        Assert.Equal("training option batch_size: expected a positive number, got 0", error.Message);
        Assert.Equal("batch_size", error.Setting);
    }

    private static float FirstStepLoss(ToyRegression task, ToyRegression.Data data)
    {
        using var scope = NewDisposeScope();
        var (x, y) = data.Load(Enumerable.Range(0, data.Count).ToArray(), new Randomness.Rng(0));
        using var _ = no_grad();
        return task.Loss((x, y), default).Total.item<float>();
    }

    private static float[] TrainAndReadWeights(long seed)
    {
        using var task = new ToyRegression(seed);
        using var data = new ToyRegression.Data(64, seed: 2);
        new Trainer<(Tensor, Tensor)>(task, Options with { Seed = seed }, runFolder: null).Fit(data);
        return Flatten(task.Network);
    }

    private static float[] Flatten(nn.Module network) =>
        network.parameters().SelectMany(p => p.detach().cpu().data<float>().ToArray()).ToArray();
}
