using LabelFree.Core.Randomness;
using LabelFree.Core.Training;
using static TorchSharp.torch;

namespace LabelFree.Core.Tests.Training;

/// <summary>
/// A toy self-distillation method that uses every Trainer extension point, as DINO will: a student MLP regresses y and
/// also matches an EMA teacher (updated after each step with a scheduled momentum), a running centre of the teacher's
/// outputs kept as extra checkpoint state, input noise in the training phase only, biases and norms without weight
/// decay, and a validation metric (mean absolute error) beside the loss.
/// </summary>
internal sealed class EmaTeacherToy : ITrainable<(Tensor X, Tensor Y)>, IDisposable
{
    public const string Momentum = "teacher_momentum";

    private readonly nn.Module<Tensor, Tensor> _student;
    private readonly nn.Module<Tensor, Tensor> _teacher;
    private readonly Tensor _validationX;
    private readonly Tensor _validationY;

    public EmaTeacherToy(long seed, (Tensor X, Tensor Y) validation)
    {
        manual_seed(seed);
        _student = nn.Sequential(nn.Linear(4, 16), nn.LayerNorm(16), nn.ReLU(), nn.Dropout(0.1), nn.Linear(16, 1));
        _teacher = nn.Sequential(nn.Linear(4, 16), nn.LayerNorm(16), nn.ReLU(), nn.Dropout(0.1), nn.Linear(16, 1));
        Ema.CopyInto(_teacher, _student);
        Centre = zeros(1);
        (_validationX, _validationY) = validation;
    }

    public nn.Module Network => _student;

    public nn.Module Teacher => _teacher;

    /// <summary>Running mean of the teacher's outputs (DINO's centre), updated after every step.</summary>
    public Tensor Centre { get; private set; }

    /// <summary>Phases the loss was called in, in order.</summary>
    public List<TrainingPhase> Phases { get; } = [];

    public LossOutput Loss((Tensor X, Tensor Y) batch, TrainingStep at)
    {
        Phases.Add(at.Phase);
        var x = at.Phase == TrainingPhase.Train ? batch.X + 0.05 * randn_like(batch.X) : batch.X;
        var prediction = _student.call(x);
        Tensor target;
        using (no_grad())
        {
            _teacher.eval();
            target = _teacher.call(batch.X) - Centre;
        }
        var mse = nn.functional.mse_loss(prediction, batch.Y);
        var distill = nn.functional.mse_loss(prediction, target);
        return new LossOutput(mse + 0.1 * distill, new Dictionary<string, Tensor> { ["mse"] = mse, ["distill"] = distill });
    }

    public IReadOnlyList<ParameterGroup> ParameterGroups() => ParameterGroup.SplitByDecay(_student);

    public void AfterStep(TrainingStep at)
    {
        Ema.Update(_teacher, _student, at.Scalar(Momentum));
        using var scope = NewDisposeScope();
        _teacher.eval();
        var mean = _teacher.call(_validationX).mean();
        Centre.mul_(0.9).add_(mean, alpha: 0.1);
    }

    public IReadOnlyDictionary<string, Tensor> CheckpointState()
    {
        var state = Ema.StateOf(_teacher, "teacher.");
        state["centre"] = Centre;
        return state;
    }

    public void RestoreCheckpointState(IReadOnlyDictionary<string, Tensor> state)
    {
        Ema.Restore(_teacher, state, "teacher.");
        Centre.copy_(state["centre"]);
    }

    public IReadOnlyDictionary<string, double> ValidationMetrics(TrainingStep at)
    {
        using var scope = NewDisposeScope();
        var error = (_student.call(_validationX) - _validationY).abs().mean().item<float>();
        return new Dictionary<string, double> { ["mae"] = error };
    }

    public void Dispose()
    {
        _student.Dispose();
        _teacher.Dispose();
        Centre.Dispose();
    }

    /// <summary>The options the tests train it with: AdamW with weight decay, cosine momentum from 0.9 to 1.</summary>
    public static TrainerOptions Options(long seed) => new()
    {
        Seed = seed,
        Epochs = 6,
        BatchSize = 16,
        Optimizer = OptimizerKind.AdamW,
        LearningRate = 1e-2,
        WeightDecay = 0.05,
        CheckpointEverySteps = 5,
        ValidateEverySteps = 4,
        LogEverySteps = 3,
        Schedules = new Dictionary<string, ScalarSchedule> { [Momentum] = new(0.9, 1.0) },
    };

    /// <summary>Flattened student, teacher and centre values.</summary>
    public float[] Snapshot() =>
        _student.parameters().Concat(_teacher.parameters()).Append(Centre).SelectMany(p => p.detach().cpu().data<float>().ToArray()).ToArray();

    /// <summary>Random inputs and their targets, for validation.</summary>
    public static (Tensor X, Tensor Y) Sample(int count, long seed)
    {
        var rng = new Rng((ulong)seed);
        var x = Enumerable.Range(0, count * 4).Select(_ => (float)rng.NextGaussian()).ToArray();
        var y = Enumerable.Range(0, count).Select(i => 1.5f * x[4 * i] - 2f * x[4 * i + 1] + 0.5f * x[4 * i + 2] + x[4 * i + 3]).ToArray();
        return (tensor(x, [count, 4]), tensor(y, [count, 1]));
    }
}
