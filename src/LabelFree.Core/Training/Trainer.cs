using System.Diagnostics;
using LabelFree.Core.Errors;
using LabelFree.Core.Models;
using LabelFree.Core.Progress;
using LabelFree.Core.Randomness;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LabelFree.Core.Training;

/// <summary>What a finished (or early-stopped) training run reports.</summary>
/// <param name="Steps">Optimizer steps completed in total (including those before a resume).</param>
/// <param name="FinalLoss">Training loss of the last step.</param>
/// <param name="ResumedFromStep">The checkpoint step this run continued from, or null for a fresh run.</param>
public sealed record TrainingResult(
    long Steps,
    double FinalLoss,
    double? BestValidationLoss,
    long? BestStep,
    bool StoppedEarly,
    long? ResumedFromStep);

/// <summary>
/// Trains any <see cref="ITrainable{TBatch}"/>: seeded data order (one permutation per epoch), warm-up and cosine
/// learning rate, gradient clipping, validation with early stopping, metrics.jsonl, atomic checkpoints and exact
/// resumption, and a stop with one clear line on a NaN or infinite loss. Each step runs in its own dispose scope.
/// <para>
/// Reproducibility: on the CPU, the same seed, options and thread count give bit-identical weights and losses, and a
/// run resumed from a checkpoint ends exactly where the uninterrupted run ends. The data order and augmentation come
/// from streams derived from (seed, epoch) and (seed, step); the model's own randomness (dropout, sampling) comes from
/// LibTorch's generator, whose state is saved in every checkpoint. That generator is process-wide, so bit-exactness
/// holds for one training at a time per process (the command-line program never runs two).
/// </para>
/// </summary>
public sealed class Trainer<TBatch>
{
    private readonly ITrainable<TBatch> _task;
    private readonly TrainerOptions _options;
    private readonly string? _runFolder;
    private readonly IProgressReporter _progress;

    /// <param name="runFolder">Where metrics.jsonl and checkpoints go; null trains in memory only (no resume).</param>
    public Trainer(ITrainable<TBatch> task, TrainerOptions options, string? runFolder, IProgressReporter? progress = null)
    {
        _task = task;
        _options = options.Validate();
        _runFolder = runFolder;
        _progress = progress ?? SilentProgress.Instance;
    }

    /// <summary>
    /// Trains until the planned steps are done or early stopping triggers. With <paramref name="resume"/>, continues from
    /// the newest checkpoint in the run folder (or starts afresh when there is none). <paramref name="cancel"/> stops
    /// between steps without a final checkpoint, as a killed process would.
    /// </summary>
    public TrainingResult Fit(IBatchSource<TBatch> train, IBatchSource<TBatch>? validation = null, bool resume = false, CancellationToken cancel = default)
    {
        if (train.Count == 0) throw new UserInputException("training data: no samples");
        var network = _task.Network;
        var parameters = network.parameters().Where(p => p.requires_grad).ToList();
        using var optimizer = CreateOptimizer(parameters);

        var stepsPerEpoch = (int)((train.Count + _options.BatchSize - 1) / _options.BatchSize);
        var totalSteps = _options.MaxSteps ?? (long)_options.Epochs * stepsPerEpoch;
        var validateEvery = _options.ValidateEverySteps ?? stepsPerEpoch;
        var checkpointEvery = _options.CheckpointEverySteps ?? stepsPerEpoch;
        var store = _runFolder is null ? null : new CheckpointStore(_runFolder, _options.KeepCheckpoints);

        var state = new TrainerState(0, _options.Seed, _options.BatchSize, null, null, 0, "");
        long? resumedFrom = null;
        if (resume)
        {
            if (store?.Latest() is { } checkpoint)
            {
                state = CheckpointStore.Restore(checkpoint, network, optimizer);
                if (state.Seed != _options.Seed || state.BatchSize != _options.BatchSize)
                    throw new UserInputException($"{checkpoint}: --resume needs the same seed and batch size as the run it continues (seed {state.Seed}, batch size {state.BatchSize})");
                random.set_rng_state(DecodeRng(state.TorchRngState));
                resumedFrom = state.Step;
                _progress.Info($"resumed from {checkpoint} (step {state.Step})");
            }
            else
            {
                _progress.Info($"--resume: no checkpoint in {_runFolder ?? "memory"}; starting from the beginning");
            }
        }

        using var metrics = _runFolder is null ? null : new MetricsLog(_runFolder, resumedFrom ?? -1);
        using var best = new BestWeights(store?.BestWeightsPath, resumedFrom is not null && state.BestStep is not null);
        var window = new LossWindow(state.PendingLoss);
        var firstStep = state.Step;
        var clock = Stopwatch.StartNew();
        var lastLoss = double.NaN;
        var stoppedEarly = false;
        int[]? order = null;
        var orderEpoch = -1;

        using (var bar = _progress.Start("train", totalSteps, state.Step))
        {
            for (var step = state.Step; step < totalSteps; step++)
            {
                cancel.ThrowIfCancellationRequested();
                var epoch = (int)(step / stepsPerEpoch);
                if (epoch != orderEpoch)
                {
                    order = Rng.For(_options.Seed, "data-order", epoch).Permutation(train.Count);
                    orderEpoch = epoch;
                }
                var at = new TrainingStep(step, epoch, totalSteps, stepsPerEpoch);
                var learningRate = _options.LearningRateAt(step, totalSteps);
                var (loss, terms, gradNorm) = TrainStep(train, order!, at, optimizer, parameters, learningRate, store);
                lastLoss = loss;
                window.Add(loss, terms);

                var done = step + 1;
                var last = done == totalSteps;
                var stepsPerSecond = (done - firstStep) / Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
                bar.Report(done, $"loss {loss:G4} · {stepsPerSecond:0.0} step/s");
                if (done % _options.LogEverySteps == 0 || last)
                    metrics?.Write(window.Flush(done, epoch, learningRate, gradNorm, stepsPerSecond));

                if (validation is { Count: > 0 } && (done % validateEvery == 0 || last))
                {
                    var (valLoss, valTerms) = Evaluate(validation, at);
                    metrics?.Write(new MetricsLine(done, epoch, "validation", valLoss, valTerms));
                    if (state.BestValidationLoss is not { } bestLoss || valLoss < bestLoss)
                    {
                        state = state with { BestValidationLoss = valLoss, BestStep = done, ValidationsWithoutImprovement = 0 };
                        best.Capture(network);
                    }
                    else
                    {
                        state = state with { ValidationsWithoutImprovement = state.ValidationsWithoutImprovement + 1 };
                        stoppedEarly = _options.EarlyStoppingPatience > 0 && state.ValidationsWithoutImprovement >= _options.EarlyStoppingPatience;
                    }
                }

                state = state with { Step = done };
                if (store is not null && (done % checkpointEvery == 0 || last || stoppedEarly))
                    store.Save(network, optimizer, state with { TorchRngState = EncodeRng(), PendingLoss = window.Sums });
                if (stoppedEarly)
                {
                    _progress.Info($"early stop at step {done}: validation loss has not improved for {state.ValidationsWithoutImprovement} validations (best {state.BestValidationLoss:G4} at step {state.BestStep})");
                    break;
                }
            }
        }

        if (_options.RestoreBestWeights && state.BestStep is not null) best.Restore(network);
        return new TrainingResult(state.Step, lastLoss, state.BestValidationLoss, state.BestStep, stoppedEarly, resumedFrom);
    }

    private (double Loss, Dictionary<string, double> Terms, double GradNorm) TrainStep(
        IBatchSource<TBatch> train, int[] order, TrainingStep at, OptimizerHelper optimizer, List<Parameter> parameters,
        double learningRate, CheckpointStore? store)
    {
        using var noCollection = NoCollectionRegion.Enter();
        using var scope = NewDisposeScope();
        foreach (var group in optimizer.ParamGroups) group.LearningRate = learningRate;
        var first = (int)(at.Step % at.StepsPerEpoch) * _options.BatchSize;
        var indices = order.AsSpan(first, Math.Min(_options.BatchSize, order.Length - first));
        var batch = train.Load(indices, Rng.For(_options.Seed, "augment", at.Step));

        _task.Network.train();
        var output = _task.Loss(batch, at);
        var loss = output.Total.item<float>();
        if (!float.IsFinite(loss)) throw Diverged(at.Step, $"the loss became {loss}", store);

        optimizer.zero_grad();
        output.Total.backward();
        var gradNorm = nn.utils.clip_grad_norm_(parameters, _options.GradientClipNorm ?? double.PositiveInfinity);
        if (!double.IsFinite(gradNorm)) throw Diverged(at.Step, $"the gradient norm became {gradNorm}", store);
        optimizer.step();
        return (loss, ToNumbers(output.Terms), gradNorm);
    }

    private (double Loss, Dictionary<string, double> Terms) Evaluate(IBatchSource<TBatch> validation, TrainingStep at)
    {
        var network = _task.Network;
        network.eval();
        var window = new LossWindow();
        var rng = Rng.For(_options.Seed, "validation");
        using (no_grad())
        {
            for (var first = 0; first < validation.Count; first += _options.BatchSize)
            {
                using var noCollection = NoCollectionRegion.Enter();
                using var scope = NewDisposeScope();
                var count = Math.Min(_options.BatchSize, validation.Count - first);
                var indices = Enumerable.Range(first, count).ToArray();
                var output = _task.Loss(validation.Load(indices, rng), at);
                window.Add(output.Total.item<float>(), ToNumbers(output.Terms), weight: count);
            }
        }
        network.train();
        var line = window.Flush(0, 0, null, null, null);
        return (line.Loss, new Dictionary<string, double>(line.Terms));
    }

    private OptimizerHelper CreateOptimizer(List<Parameter> parameters) => _options.Optimizer switch
    {
        OptimizerKind.Adam => optim.Adam(parameters, _options.LearningRate, _options.Beta1, _options.Beta2, _options.AdamEpsilon, _options.WeightDecay),
        OptimizerKind.AdamW => optim.AdamW(parameters, _options.LearningRate, _options.Beta1, _options.Beta2, _options.AdamEpsilon, _options.WeightDecay),
        _ => throw new ArgumentOutOfRangeException(nameof(_options.Optimizer)),
    };

    private TrainingDivergedException Diverged(long step, string what, CheckpointStore? store)
    {
        var keep = store?.Latest() is { } last ? $"; the last good checkpoint is {last}" : "";
        return new TrainingDivergedException($"training stopped at step {step + 1}: {what}{keep} (try a lower learning rate or --gradient-clip)");
    }

    private static Dictionary<string, double> ToNumbers(IReadOnlyDictionary<string, Tensor> terms) =>
        terms.ToDictionary(kv => kv.Key, kv => (double)kv.Value.item<float>());

    private static string EncodeRng()
    {
        using var state = random.get_rng_state();
        return Convert.ToBase64String(state.bytes);
    }

    private static Tensor DecodeRng(string encoded)
    {
        var bytes = Convert.FromBase64String(encoded);
        var state = empty(bytes.Length, ScalarType.Byte);
        state.bytes = bytes;
        return state;
    }

    /// <summary>Mean loss and terms over the steps (or validation batches) since the last flush.</summary>
    private sealed class LossWindow(LossSums? start = null)
    {
        private double _loss = start?.Loss ?? 0, _weight = start?.Weight ?? 0;
        private readonly Dictionary<string, double> _terms = start?.Terms.ToDictionary() ?? [];

        public LossSums Sums => new(_loss, _weight, new Dictionary<string, double>(_terms));

        public void Add(double loss, Dictionary<string, double> terms, double weight = 1)
        {
            _loss += loss * weight;
            _weight += weight;
            foreach (var (name, value) in terms) _terms[name] = _terms.GetValueOrDefault(name) + value * weight;
        }

        public MetricsLine Flush(long step, int epoch, double? learningRate, double? gradNorm, double? stepsPerSecond)
        {
            var weight = Math.Max(_weight, 1e-300);
            var line = new MetricsLine(step, epoch, "train", _loss / weight, _terms.ToDictionary(kv => kv.Key, kv => kv.Value / weight),
                learningRate, gradNorm, stepsPerSecond);
            _loss = _weight = 0;
            _terms.Clear();
            return line;
        }
    }

    /// <summary>The weights of the best validation so far: kept in memory, and on disk when there is a run folder.</summary>
    private sealed class BestWeights(string? path, bool loadFromDisk) : IDisposable
    {
        private Dictionary<string, Tensor>? _weights = loadFromDisk && path is not null && File.Exists(path) ? Safetensors.Load(path) : null;

        public void Capture(nn.Module network)
        {
            Dispose();
            using var scope = NewDisposeScope();  // the detach() views are temporaries; only the clones are kept
            _weights = network.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone().DetachFromDisposeScope());
            if (path is not null) Safetensors.Save(path, _weights);
        }

        public void Restore(nn.Module network)
        {
            if (_weights is not null) ModelFolder.LoadStateDict(network, _weights, path ?? "best weights");
        }

        public void Dispose()
        {
            if (_weights is null) return;
            foreach (var tensor in _weights.Values) tensor.Dispose();
            _weights = null;
        }
    }
}
