using LabelFree.Core.Errors;
using LabelFree.Core.Randomness;
using LabelFree.Core.Training;
using LabelFree.TestKit;
using TorchSharp;
using static TorchSharp.torch;

namespace LabelFree.Core.Tests.Training;

/// <summary>The Trainer's extension points: hooks, extra checkpoint state, schedules, parameter groups, optimizers, accumulation, streams.</summary>
public class TrainerExtensionTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]  // gradient accumulation: two micro-batches of 8 per step
    public void An_ema_teacher_method_killed_and_resumed_ends_bit_exact_with_its_extra_state(int accumulation)
    {
        _ = TestTorch.Cpu;
        using var folder = new TempFolder();
        var options = EmaTeacherToy.Options(seed: 11) with { BatchSize = 16 / accumulation, AccumulationSteps = accumulation };

        float[] full;
        using (var data = new ToyRegression.Data(64, seed: 6))
        using (var validation = new ToyRegression.Data(16, seed: 8))
        using (var toy = new EmaTeacherToy(5, EmaTeacherToy.Sample(32, 9)))
        {
            var before = toy.Snapshot();
            new Trainer<(Tensor, Tensor)>(toy, options, folder["full"]).Fit(data, validation);
            full = toy.Snapshot();
            Assert.NotEqual(before, full);
            Assert.Contains(TrainingPhase.Validation, toy.Phases);
            Assert.Contains(TrainingPhase.Train, toy.Phases);
        }

        using (var data = new ToyRegression.Data(64, seed: 6))
        using (var validation = new ToyRegression.Data(16, seed: 8))
        using (var toy = new EmaTeacherToy(5, EmaTeacherToy.Sample(32, 9)))
        {
            var loads = 0;
            using var kill = new CancellationTokenSource();
            data.OnLoad = _ => { if (++loads == 13 * accumulation) kill.Cancel(); };  // during step 13
            Assert.Throws<OperationCanceledException>(() => new Trainer<(Tensor, Tensor)>(toy, options, folder["killed"]).Fit(data, validation, cancel: kill.Token));
        }
        Assert.True(File.Exists(Path.Combine(folder["killed"], "checkpoints", "step-00000010", "extra.safetensors")));

        using (var data = new ToyRegression.Data(64, seed: 6))
        using (var validation = new ToyRegression.Data(16, seed: 8))
        using (var toy = new EmaTeacherToy(999, EmaTeacherToy.Sample(32, 9)))
        {
            var resumed = new Trainer<(Tensor, Tensor)>(toy, options, folder["killed"]).Fit(data, validation, resume: true);
            Assert.Equal(10, resumed.ResumedFromStep);
            Assert.Equal(full, toy.Snapshot());
            var other = Assert.Throws<UserInputException>(() => new Trainer<(Tensor, Tensor)>(toy, options with { AccumulationSteps = 3 }, folder["killed"])
                .Fit(data, validation, resume: true));
            Assert.Contains("accumulation", other.Message);
        }

        var fullLines = MetricsLog.Read(Path.Combine(folder["full"], MetricsLog.FileName));
        var resumedLines = MetricsLog.Read(Path.Combine(folder["killed"], MetricsLog.FileName));
        Assert.Equal(fullLines.Select(m => (m.Step, m.Phase, m.Loss, m.Metrics?["mae"])), resumedLines.Select(m => (m.Step, m.Phase, m.Loss, m.Metrics?["mae"])));
        Assert.All(fullLines.Where(m => m.Phase == "validation"), m => Assert.True(m.Metrics!["mae"] > 0));
    }

    [Fact]
    public void The_teacher_follows_the_student_at_the_scheduled_momentum_and_steps_leak_no_tensors()
    {
        _ = TestTorch.Cpu;
        using var data = new ToyRegression.Data(64, seed: 6);
        using var toy = new EmaTeacherToy(5, EmaTeacherToy.Sample(8, 9));
        var live = new List<long>();
        data.OnLoad = _ => live.Add(DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        var teacherBefore = toy.Teacher.parameters().First().detach().clone();

        new Trainer<(Tensor, Tensor)>(toy, EmaTeacherToy.Options(1) with { Epochs = 2, ValidateEverySteps = null }, runFolder: null).Fit(data);

        Assert.Single(live.Skip(2).Distinct());
        var teacher = toy.Teacher.parameters().First();
        var student = toy.Network.parameters().First();
        Assert.False(teacher.requires_grad);
        Assert.False(teacher.allclose(teacherBefore));  // it moved...
        Assert.False(teacher.allclose(student));        // ...but lags the student
        teacherBefore.Dispose();
    }

    [Theory]
    [InlineData(64)]
    [InlineData(60)]  // the last step of each epoch has 12 samples: micro-batches of 8 and 4, weighted 2/3 and 1/3
    public void Gradient_accumulation_of_two_half_batches_gives_the_full_batch_update(int samples)
    {
        _ = TestTorch.Cpu;
        var options = new TrainerOptions { Seed = 3, Epochs = 3, BatchSize = 16, Optimizer = OptimizerKind.Sgd, LearningRate = 0.05, Momentum = 0.9 };
        float[] Train(TrainerOptions o)
        {
            using var data = new ToyRegression.Data(samples, seed: 2);
            using var model = new LinearToy(seed: 1);
            var result = new Trainer<(Tensor, Tensor)>(model, o, runFolder: null).Fit(data);
            Assert.Equal(3 * ((samples + 15) / 16), result.Steps);
            return model.Weights();
        }

        var whole = Train(options);
        var accumulated = Train(options with { BatchSize = 8, AccumulationSteps = 2 });

        Assert.Equal(whole.Length, accumulated.Length);
        for (var i = 0; i < whole.Length; i++) Assert.Equal(whole[i], accumulated[i], 5);
    }

    [Fact]
    public void Lars_scales_each_update_by_its_trust_ratio_and_leaves_biases_without_decay()
    {
        _ = TestTorch.Cpu;
        using var data = new ToyRegression.Data(16, seed: 2);
        using var model = new LinearToy(seed: 4) { Groups = ParameterGroup.SplitByDecay };
        using var reference = new LinearToy(seed: 4);
        const double lr = 0.5, decay = 0.01, eta = 0.001;

        // The expected update from the gradient of the same batch (the whole data set, one step).
        using (var scope = NewDisposeScope())
        {
            var (x, y) = data.Load(Rng.For(0, "data-order", 0).Permutation(16), new Rng(0));
            reference.Loss((x, y), default).Total.backward();
        }
        var w = reference.Linear.weight!.detach().clone();
        var g = reference.Linear.weight!.grad!.detach() + decay * w;
        var trust = eta * w.norm().item<float>() / g.norm().item<float>();
        var expectedWeight = (w - lr * trust * g).data<float>().ToArray();
        var expectedBias = (reference.Linear.bias!.detach() - lr * reference.Linear.bias!.grad!).data<float>().ToArray();

        new Trainer<(Tensor, Tensor)>(model, new TrainerOptions
        {
            Seed = 0, MaxSteps = 1, BatchSize = 16, Optimizer = OptimizerKind.Lars, LearningRate = lr, WeightDecay = decay, LarsTrustCoefficient = eta,
        }, runFolder: null).Fit(data);

        Assert.Equal(expectedWeight, model.Linear.weight!.detach().data<float>().ToArray(), new FloatTolerance(1e-6f));
        Assert.Equal(expectedBias, model.Linear.bias!.detach().data<float>().ToArray(), new FloatTolerance(1e-6f));
    }

    [Fact]
    public void AdamW_weight_decay_follows_its_schedule_and_spares_the_no_decay_group()
    {
        _ = TestTorch.Cpu;
        using var data = new ToyRegression.Data(16, seed: 2);
        using var model = new LinearToy(seed: 4) { Groups = ParameterGroup.SplitByDecay, ZeroGradient = true };
        var weight = model.Linear.weight!.detach().clone().data<float>().ToArray();
        var bias = model.Linear.bias!.detach().clone().data<float>().ToArray();
        var schedule = new ScalarSchedule(0.1, 0.3, ScheduleShape.Linear);  // 0.1 at step 0, 0.2 at step 1 of 2

        new Trainer<(Tensor, Tensor)>(model, new TrainerOptions
        {
            Seed = 0, MaxSteps = 2, BatchSize = 16, Optimizer = OptimizerKind.AdamW, LearningRate = 0.5,
            Schedules = new Dictionary<string, ScalarSchedule> { [TrainerOptions.WeightDecaySchedule] = schedule },
        }, runFolder: null).Fit(data);

        var expected = weight.Select(v => v * (1 - 0.5f * 0.1f) * (1 - 0.5f * 0.2f)).ToArray();
        Assert.Equal(expected, model.Linear.weight!.detach().data<float>().ToArray(), new FloatTolerance(1e-6f));
        Assert.Equal(bias, model.Linear.bias!.detach().data<float>().ToArray());
    }

    [Fact]
    public void Schedules_warm_up_then_follow_their_shape()
    {
        var momentum = new ScalarSchedule(0.996, 1.0);
        Assert.Equal(0.996, momentum.At(0, 100), 12);
        Assert.Equal(0.998, momentum.At(50, 100), 12);
        Assert.True(momentum.At(99, 100) is > 0.9999 and < 1);  // as DINO's: the end value is where the run would go next
        Assert.Equal(1.0, momentum.At(100, 100), 12);
        var temperature = new ScalarSchedule(0.07, 0.07, ScheduleShape.Constant, WarmupSteps: 10, WarmupFrom: 0.04);
        Assert.Equal(0.043, temperature.At(0, 100), 12);
        Assert.Equal(0.07, temperature.At(9, 100), 12);
        Assert.Equal(0.07, temperature.At(99, 100), 12);
        var linear = new TrainerOptions { LearningRate = 1.0, WarmupSteps = 10, Schedule = LearningRateSchedule.Linear };
        Assert.Equal(0.5, linear.LearningRateAt(60, 110), 12);
        Assert.Equal(0.0, linear.LearningRateAt(110, 110), 12);
        Assert.Throws<SettingException>(() => new TrainerOptions { Schedules = new Dictionary<string, ScalarSchedule> { ["t"] = new(double.NaN, 1) } }.Validate());
    }

    [Fact]
    public void A_stream_trains_for_max_steps_and_a_mix_draws_each_source_by_weight()
    {
        _ = TestTorch.Cpu;
        using var data = new ToyRegression.Data(64, seed: 2);
        using var other = new ToyRegression.Data(64, seed: 3);
        var stream = BatchStreams.Mix((data.AsStream(), 3.0), (other.AsStream(), 1.0));
        var (fromData, fromOther) = (0, 0);
        data.OnLoad = _ => fromData++;
        other.OnLoad = _ => fromOther++;
        using var model = new LinearToy(seed: 1);

        var error = Assert.Throws<SettingException>(() => new Trainer<(Tensor, Tensor)>(model, new TrainerOptions { BatchSize = 4 }, null).Fit(stream));
        Assert.Equal("max_steps", error.Setting);
        var result = new Trainer<(Tensor, Tensor)>(model, new TrainerOptions { MaxSteps = 400, BatchSize = 4, LearningRate = 1e-2 }, null).Fit(stream);

        Assert.Equal(400, result.Steps);
        Assert.Equal(400, fromData + fromOther);
        Assert.InRange(fromData / 400.0, 0.68, 0.82);
        using var scope = NewDisposeScope();
        var sample = stream.Take(3);
        Assert.Equal(3, sample.Count);
        Assert.Equal(sample.Load([0, 1, 2], Rng.For(1, "v")).X.data<float>().ToArray(), sample.Load([0, 1, 2], Rng.For(1, "v")).X.data<float>().ToArray());
    }

    /// <summary>A linear regression without dropout (deterministic gradients), whose groups a test may choose.</summary>
    private sealed class LinearToy : ITrainable<(Tensor X, Tensor Y)>, IDisposable
    {
        public LinearToy(long seed)
        {
            manual_seed(seed);
            Linear = nn.Linear(4, 1);
        }

        public TorchSharp.Modules.Linear Linear { get; }

        public nn.Module Network => Linear;

        public Func<nn.Module, IReadOnlyList<ParameterGroup>>? Groups { get; init; }

        /// <summary>Makes the loss constant (zero gradients), so only weight decay moves the weights.</summary>
        public bool ZeroGradient { get; init; }

        public LossOutput Loss((Tensor X, Tensor Y) batch, TrainingStep at)
        {
            var mse = nn.functional.mse_loss(Linear.call(batch.X), batch.Y);
            return new LossOutput(ZeroGradient ? mse * 0 : mse);
        }

        public IReadOnlyList<ParameterGroup> ParameterGroups() => Groups?.Invoke(Linear) ?? [ParameterGroup.All(Linear)];

        public float[] Weights() => Linear.parameters().SelectMany(p => p.detach().data<float>().ToArray()).ToArray();

        public void Dispose() => Linear.Dispose();
    }

    private sealed class FloatTolerance(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance * Math.Max(1, Math.Abs(x));

        public int GetHashCode(float value) => 0;
    }
}
