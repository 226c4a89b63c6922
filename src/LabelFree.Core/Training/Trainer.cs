using System.Diagnostics;
using LabelFree.Core.Errors;
using LabelFree.Core.Models;
using LabelFree.Core.Progress;
using LabelFree.Core.Randomness;
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
/// Trains any <see cref="ITrainable{TBatch}"/>: seeded data order (one permutation per epoch) or a seeded stream,
/// the method's parameter groups and optimizer (Adam, AdamW, SGD, LARS), scheduled learning rate, weight decay and
/// named scalars, gradient accumulation and clipping, the method's after-step hook (EMA teachers), validation with the
/// method's metrics and early stopping, metrics.jsonl, atomic checkpoints (with the method's extra state) and exact
/// resumption, and a stop with one clear line on a NaN or infinite loss. Each step runs in its own dispose scope and
/// reads from the device once (loss, terms and gradient norm together).
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
    /// Trains on indexed samples until the planned steps are done or early stopping triggers. With
    /// <paramref name="resume"/>, continues from the newest checkpoint in the run folder (or starts afresh when there is
    /// none). <paramref name="cancel"/> stops between steps without a final checkpoint, as a killed process would; a
    /// user's <see cref="Interruption"/> stops between steps with one.
    /// </summary>
    public TrainingResult Fit(IBatchSource<TBatch> train, IBatchSource<TBatch>? validation = null, bool resume = false, CancellationToken cancel = default)
    {
        if (train.Count == 0) throw new UserInputException("training data: no samples");
        var perStep = (long)_options.BatchSize * _options.AccumulationSteps;
        var stepsPerEpoch = (int)((train.Count + perStep - 1) / perStep);
        int[]? order = null;
        var orderEpoch = -1;
        return Run(stepsPerEpoch, _options.MaxSteps ?? (long)_options.Epochs * stepsPerEpoch, validation, resume, cancel, at =>
        {
            if (at.Epoch != orderEpoch)
            {
                order = Rng.For(_options.Seed, "data-order", at.Epoch).Permutation(train.Count);
                orderEpoch = at.Epoch;
            }
            var plan = new List<MicroBatch>();
            for (var micro = 0; micro < _options.AccumulationSteps; micro++)
            {
                var first = (at.Step % at.StepsPerEpoch) * perStep + (long)micro * _options.BatchSize;
                if (first >= order!.Length) break;
                var indices = order[(int)first..(int)Math.Min(first + _options.BatchSize, order.Length)];
                plan.Add(new MicroBatch(indices.Length, rng => train.Load(indices, rng)));
            }
            return plan;
        });
    }

    /// <summary>Trains on a stream (each step's batch drawn from the step's random stream) for <see cref="TrainerOptions.MaxSteps"/> steps.</summary>
    public TrainingResult Fit(IBatchStream<TBatch> train, IBatchSource<TBatch>? validation = null, bool resume = false, CancellationToken cancel = default)
    {
        if (_options.MaxSteps is not { } steps)
            throw new SettingException("max_steps", "training on streamed data needs a number of steps", label: "training option max_steps");
        var plan = Enumerable.Range(0, _options.AccumulationSteps)
            .Select(_ => new MicroBatch(_options.BatchSize, rng => train.Next(_options.BatchSize, rng))).ToList();
        return Run((int)Math.Min(int.MaxValue, steps), steps, validation, resume, cancel, _ => plan);
    }

    /// <summary>One forward pass of a step: its number of samples, and how to load them from the pass's random stream.</summary>
    private sealed record MicroBatch(int Count, Func<Rng, TBatch> Load);

    private TrainingResult Run(int stepsPerEpoch, long totalSteps, IBatchSource<TBatch>? validation, bool resume, CancellationToken cancel,
        Func<TrainingStep, IReadOnlyList<MicroBatch>> plan)
    {
        var network = _task.Network;
        using var optimizers = new Optimizers(_task.ParameterGroups(), _options);
        var validateEvery = _options.ValidateEverySteps ?? stepsPerEpoch;
        var checkpointEvery = _options.CheckpointEverySteps ?? stepsPerEpoch;
        var store = _runFolder is null ? null : new CheckpointStore(_runFolder, _options.KeepCheckpoints);

        var state = new TrainerState(0, _options.Seed, _options.BatchSize, null, null, 0, "", AccumulationSteps: _options.AccumulationSteps);
        long? resumedFrom = null;
        if (resume)
        {
            if (store?.Latest() is { } checkpoint)
            {
                (state, var extra) = CheckpointStore.Restore(checkpoint, network, optimizers.Optimizer);
                try
                {
                    _task.RestoreCheckpointState(extra);
                }
                finally
                {
                    foreach (var tensor in extra.Values) tensor.Dispose();
                }
                if (state.Seed != _options.Seed || state.BatchSize != _options.BatchSize || state.AccumulationSteps != _options.AccumulationSteps)
                    throw new UserInputException($"{checkpoint}: resuming needs the same seed, batch size and accumulation as the run it continues " +
                                                 $"(seed {state.Seed}, batch size {state.BatchSize}, accumulation steps {state.AccumulationSteps})");
                random.set_rng_state(DecodeRng(state.TorchRngState));
                resumedFrom = state.Step;
                _progress.Info($"resumed from {checkpoint} (step {state.Step})");
            }
            else
            {
                _progress.Info($"resume: no checkpoint in {_runFolder ?? "memory"}; starting from the beginning");
            }
        }

        using var metrics = _runFolder is null ? null : new MetricsLog(_runFolder, resumedFrom ?? -1);
        using var best = new BestWeights(store?.BestWeightsPath, resumedFrom is not null && state.BestStep is not null);
        var window = new LossWindow(state.PendingLoss);
        var firstStep = state.Step;
        var clock = Stopwatch.StartNew();
        var lastLoss = double.NaN;
        var stoppedEarly = false;

        using (var bar = _progress.Start("train", totalSteps, state.Step))
        {
            var checkpointed = state.Step;
            for (var step = state.Step; step < totalSteps; step++)
            {
                cancel.ThrowIfCancellationRequested();
                if (Interruption.Requested)
                {
                    if (store is not null && checkpointed != step)
                        store.Save(network, optimizers.Optimizer, state with { TorchRngState = EncodeRng(), PendingLoss = window.Sums }, _task.CheckpointState());
                    throw new TrainingInterruptedException(step, store?.Folder);
                }
                var epoch = (int)(step / stepsPerEpoch);
                var at = new TrainingStep(step, epoch, totalSteps, stepsPerEpoch, TrainingPhase.Train, ScalarsAt(step, totalSteps));
                var (loss, terms, gradNorm) = TrainStep(at, plan(at), optimizers, store);
                lastLoss = loss;
                window.Add(loss, terms);

                var done = step + 1;
                var last = done == totalSteps;
                var stepsPerSecond = (done - firstStep) / Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
                bar.Report(done, $"loss {loss:G4} · {stepsPerSecond:0.0} step/s");
                if (done % _options.LogEverySteps == 0 || last)
                    metrics?.Write(window.Flush(done, epoch, _options.LearningRateAt(step, totalSteps), gradNorm, stepsPerSecond));

                if (done % validateEvery == 0 || last)
                {
                    var validated = Validate(validation, at with { Phase = TrainingPhase.Validation });
                    if (validated is { } line) metrics?.Write(line with { Step = done });
                    if (validated is { Loss: var valLoss } && validation is { Count: > 0 })
                    {
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
                }

                state = state with { Step = done };
                if (store is not null && (done % checkpointEvery == 0 || last || stoppedEarly))
                {
                    store.Save(network, optimizers.Optimizer, state with { TorchRngState = EncodeRng(), PendingLoss = window.Sums }, _task.CheckpointState());
                    checkpointed = done;
                }
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

    /// <summary>
    /// One optimizer step: the step's micro-batches (each loss weighted by its share of the step's samples, so the
    /// gradients add up to those of the whole batch), gradient norm and clipping, one read of loss, terms and norm from
    /// the device, a stop on a non-finite value (before the parameters change), the optimizer, the method's hook.
    /// </summary>
    private (double Loss, Dictionary<string, double> Terms, double GradNorm) TrainStep(TrainingStep at, IReadOnlyList<MicroBatch> micros,
        Optimizers optimizers, CheckpointStore? store)
    {
        using var noCollection = NoCollectionRegion.Enter();
        using var scope = NewDisposeScope();
        optimizers.Schedule(at.Step, at.TotalSteps);
        var optimizer = optimizers.Optimizer;
        _task.Network.train();
        optimizer.zero_grad();

        var samples = micros.Sum(m => m.Count);
        Tensor? values = null;  // (1 + terms): the step's loss and terms, each micro-batch weighted by its share of the samples
        string[] names = [];
        for (var micro = 0; micro < micros.Count; micro++)
        {
            using var microScope = NewDisposeScope();
            var batch = micros[micro].Load(Rng.For(_options.Seed, "augment", at.Step * _options.AccumulationSteps + micro));
            var output = _task.Loss(batch, at);
            var weight = (double)micros[micro].Count / samples;
            (weight == 1 ? output.Total : output.Total * weight).backward();
            names = [.. output.Terms.Keys];
            var read = LossValues(output);
            if (weight != 1) read = read * weight;
            if (values is null) values = read.MoveToOuterDisposeScope();
            else values.add_(read);
        }

        var gradNorm = GradientNorm(optimizers.Parameters, _options.GradientClipNorm);
        var numbers = cat([values!, gradNorm.reshape(1).to(ScalarType.Float32)]).cpu().data<float>().ToArray();  // the step's one host sync
        var (loss, norm) = (numbers[0], numbers[^1]);
        if (!float.IsFinite(loss)) throw Diverged(at.Step, $"the loss became {loss}", store);
        if (!float.IsFinite(norm)) throw Diverged(at.Step, $"the gradient norm became {norm}", store);
        optimizers.AdaptGradients(at.Step, at.TotalSteps);
        optimizer.step();
        using (no_grad()) _task.AfterStep(at);
        var terms = new Dictionary<string, double>();
        for (var i = 0; i < names.Length; i++) terms[names[i]] = numbers[1 + i];
        return (loss, terms, norm);
    }

    /// <summary>(1 + terms) float32 on the device: the loss and its terms, detached, to be read in one transfer.</summary>
    private static Tensor LossValues(LossOutput output) =>
        cat([output.Total.detach().reshape(1), .. output.Terms.Values.Select(t => t.detach().reshape(1))]).to(ScalarType.Float32);

    /// <summary>
    /// The global L2 norm of the gradients, as a tensor (no host sync); with <paramref name="clip"/>, gradients are
    /// scaled by min(1, clip / (norm + 1e-6)) exactly as LibTorch's clip_grad_norm_ does.
    /// </summary>
    private static Tensor GradientNorm(IEnumerable<Tensor> parameters, double? clip)
    {
        var grads = parameters.Select(p => p.grad).OfType<Tensor>().ToList();
        if (grads.Count == 0) return zeros(1);
        var norms = grads.Select(g => g.norm(2f)).ToList();
        var total = norms.Count == 1 ? norms[0] : stack(norms).norm(2f);
        if (clip is { } maxNorm)
        {
            using var noGrad = no_grad();
            var coefficient = (total + 1e-6).reciprocal().mul(maxNorm).clamp_max(1.0);
            foreach (var g in grads) g.mul_(coefficient);
        }
        return total;
    }

    /// <summary>The validation loss and terms (when there is validation data) and the method's metrics, or null when there is neither.</summary>
    private MetricsLine? Validate(IBatchSource<TBatch>? validation, TrainingStep at)
    {
        var network = _task.Network;
        network.eval();
        try
        {
            var window = new LossWindow();
            if (validation is { Count: > 0 })
            {
                var rng = Rng.For(_options.Seed, "validation");
                using var noGrad = no_grad();
                for (var first = 0; first < validation.Count; first += _options.BatchSize)
                {
                    using var noCollection = NoCollectionRegion.Enter();
                    using var scope = NewDisposeScope();
                    var count = Math.Min(_options.BatchSize, validation.Count - first);
                    var indices = Enumerable.Range(first, count).ToArray();
                    var output = _task.Loss(validation.Load(indices, rng), at);
                    var read = LossValues(output).cpu().data<float>().ToArray();
                    window.Add(read[0], output.Terms.Keys.Select((name, i) => (name, (double)read[1 + i])).ToDictionary(), weight: count);
                }
            }
            IReadOnlyDictionary<string, double> methodMetrics;
            using (no_grad()) methodMetrics = _task.ValidationMetrics(at);
            if (validation is not { Count: > 0 } && methodMetrics.Count == 0) return null;
            var line = validation is { Count: > 0 } ? window.Flush(0, at.Epoch, null, null, null) : new MetricsLine(0, at.Epoch, "", double.NaN, new Dictionary<string, double>());
            return line with { Phase = "validation", Metrics = methodMetrics.Count == 0 ? null : methodMetrics };
        }
        finally
        {
            network.train();
        }
    }

    /// <summary>Values of the options' named schedules at <paramref name="step"/>.</summary>
    private Dictionary<string, double>? ScalarsAt(long step, long totalSteps) =>
        _options.Schedules?.ToDictionary(kv => kv.Key, kv => kv.Value.At(step, totalSteps));

    private static TrainingDivergedException Diverged(long step, string what, CheckpointStore? store)
    {
        var keep = store?.Latest() is { } last ? $"; the last good checkpoint is {last}" : "";
        return new TrainingDivergedException($"training stopped at step {step + 1}: {what}{keep} (try a lower learning rate or gradient clipping)");
    }

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
