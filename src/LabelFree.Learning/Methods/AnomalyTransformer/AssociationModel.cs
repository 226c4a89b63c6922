using LabelFree.Core.Errors;
using LabelFree.Core.Randomness;
using LabelFree.Core.Training;
using LabelFree.Data.Signals;
using LabelFree.Learning.Objectives;
using static TorchSharp.torch;

namespace LabelFree.Learning.Methods.AnomalyTransformer;

/// <summary>
/// What the Anomaly Transformer and MAAT share beyond the method template: the minimax loss, training on sliding
/// windows of a normal signal, and the per-sample anomaly score (<see cref="AnomalyTransformerConfig"/> describes both).
/// </summary>
public abstract class AssociationModel<TSelf, TConfig>(TConfig config, AnomalyTransformerNet net, Device device)
    : MethodModel<TSelf, TConfig, AnomalyTransformerNet, SignalWindowBatch>(config, net, device), ISignalAnomalyModel
    where TSelf : AssociationModel<TSelf, TConfig>, IMethodDefinition<TSelf, TConfig, AnomalyTransformerNet>
    where TConfig : IAssociationConfig<TConfig>
{
    private const int InferenceBatch = 64;

    public AnomalyTransformerConfig Architecture => Config.Architecture();

    public int Window => Architecture.Window;

    public SignalInput Input => Architecture.Input;

    /// <summary>
    /// The sum of the minimax strategy's two losses (see <see cref="AnomalyTransformerConfig"/>): 2R - k AD(S, sg(P)) +
    /// k AD(sg(S), P). Its value is 2R, since both discrepancies are the same number; the terms log R and AD.
    /// </summary>
    public override LossOutput Loss(SignalWindowBatch batch, TrainingStep at)
    {
        var output = Net.call(batch.Values);
        var reconstruction = nn.functional.mse_loss(output.Reconstruction, batch.Values);
        var (seriesPhase, priorPhase) = AssociationDiscrepancy.Minimax(output.Series, output.Priors);
        var k = Architecture.K;
        var total = (reconstruction - k * seriesPhase) + (reconstruction + k * priorPhase);
        return new LossOutput(total, new Dictionary<string, Tensor> { ["reconstruction"] = reconstruction, ["discrepancy"] = seriesPhase });
    }

    /// <summary>
    /// The reference's training: Adam at 1e-4, batch 256 (MAAT's SMD script: 128), 3 to 10 epochs of stride-1
    /// windows, the learning rate halved every epoch, early stopping after 3 epochs without improvement (on its test
    /// set). Deviations for 2 CPU cores: batch 32 and at most 2,000 steps (a random subset of windows, as an epoch is
    /// cut short), a cosine decay to zero in place of the halving, best weights and early stopping on held-out normal
    /// windows checked every 200 steps.
    /// </summary>
    public static TrainerOptions DefaultTraining(long seed) => new()
    {
        Seed = seed,
        Epochs = 3,
        MaxSteps = 2000,
        BatchSize = 32,
        Optimizer = OptimizerKind.Adam,
        LearningRate = 1e-4,
        Schedule = LearningRateSchedule.Cosine,
        ValidateEverySteps = 200,
        CheckpointEverySteps = 200,
        EarlyStoppingPatience = 3,
        LogEverySteps = 20,
    };

    /// <summary>
    /// Trains on the windows of <paramref name="training"/> (assumed normal) every <paramref name="stride"/> samples,
    /// validating on the windows of <paramref name="validation"/> (a held-out stretch of normal signal), both
    /// normalised as the config says.
    /// </summary>
    public TrainingResult Fit(Signal training, Signal? validation, TrainingRun run, int stride = 1)
    {
        var train = SignalWindowBatches.Sliding(Architecture.Input.Normalize(training), Window, stride, Device);
        var held = validation is null ? null : SignalWindowBatches.Sliding(Architecture.Input.Normalize(validation), Window, Window, Device);
        return Train(train, held, run);
    }

    /// <summary>
    /// The anomaly score of every sample of <paramref name="signal"/>, in order: the reference's score on
    /// non-overlapping windows, plus one window ending at the last sample for the samples after the last whole one.
    /// </summary>
    public float[] Score(Signal signal)
    {
        if (signal.Length < Window) throw new UserInputException($"{signal.Source}: {signal.Length} samples, fewer than the model's window of {Window}");
        var starts = SignalWindows.Starts(signal.Length, Window, Window, coverEnd: true);
        var windows = new SignalWindowBatches(Architecture.Input.Normalize(signal), Window, starts, Device);
        var scores = new float[signal.Length];
        var covered = 0;   // samples [0, covered) already have a score
        Net.eval();
        for (var first = 0; first < starts.Length; first += InferenceBatch)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var count = Math.Min(InferenceBatch, starts.Length - first);
            var batch = windows.Load(Enumerable.Range(first, count).ToArray(), new Rng(0));
            var values = WindowScores(batch.Values).cpu().data<float>().ToArray();    // (B·L)
            for (var b = 0; b < count; b++)
            {
                var start = starts[first + b];
                var skip = Math.Max(0, covered - start);
                Array.Copy(values, b * Window + skip, scores, start + skip, Window - skip);
                covered = start + Window;
            }
        }
        return scores;
    }

    /// <summary>softmax over the window of -(discrepancy x temperature), times each point's reconstruction error: (B, L, C) -> (B, L).</summary>
    private Tensor WindowScores(Tensor x)
    {
        var output = Net.call(x);
        var error = (x - output.Reconstruction).square().mean([-1]);                                           // (B, L)
        var discrepancy = AssociationDiscrepancy.PerPoint(output.Series, output.Priors, Architecture.Temperature);  // (B, L)
        return nn.functional.softmax(-discrepancy, -1) * error;
    }
}
