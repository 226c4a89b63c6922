using LabelFree.Core.Models;
using LabelFree.Core.Training;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace LabelFree.Learning.Methods.Behrt;

/// <summary>
/// BEHRT fine-tuned to predict the next visit's codes or an outcome (<see cref="BehrtPredictorConfig"/>): from a
/// pre-trained encoder (<see cref="FromPretrained"/>) or, as the baseline that shows what pre-training adds, from
/// scratch (<see cref="MethodModel{TSelf,TConfig,TNet,TBatch}.Create"/>) with the same training.
/// </summary>
public sealed class BehrtPredictor : MethodModel<BehrtPredictor, BehrtPredictorConfig, BehrtPredictorNet, BehrtBatch>,
    IMethodDefinition<BehrtPredictor, BehrtPredictorConfig, BehrtPredictorNet>
{
    private const int InferenceBatch = 256;

    private BehrtPredictor(BehrtPredictorConfig config, BehrtPredictorNet net, Device device) : base(config, net, device) { }

    public static string MethodName => "behrt-predictor";

    static BehrtPredictorNet IMethodDefinition<BehrtPredictor, BehrtPredictorConfig, BehrtPredictorNet>.BuildNetwork(BehrtPredictorConfig config) => new(config);

    static BehrtPredictor IMethodDefinition<BehrtPredictor, BehrtPredictorConfig, BehrtPredictorNet>.Wrap(BehrtPredictorConfig config, BehrtPredictorNet net, Device device) =>
        new(config, net, device);

    /// <summary>A predictor whose encoder starts as <paramref name="pretrained"/>'s (its config's encoder is replaced by the pre-trained one); pooler and classifier are drawn with <paramref name="seed"/>.</summary>
    public static BehrtPredictor FromPretrained(Behrt pretrained, BehrtPredictorConfig config, long seed, Device device)
    {
        var model = Create(config with { Encoder = pretrained.Config }, seed, device);
        ModelFolder.LoadStateDict(model.Net.Encoder, pretrained.Encoder.state_dict(), "the pre-trained BEHRT encoder");
        return model;
    }

    /// <summary>Mean binary cross-entropy over labels and patients (MultiLabelSoftMarginLoss).</summary>
    public override LossOutput Loss(BehrtBatch batch, TrainingStep at) =>
        new(functional.binary_cross_entropy_with_logits(Net.call(batch), batch.Targets!), new Dictionary<string, Tensor>());

    public override IReadOnlyList<ParameterGroup> ParameterGroups() => ParameterGroup.SplitByDecay(Net);

    /// <summary>
    /// Fine-tuning: AdamW with weight decay 0.01 (not on biases and LayerNorms), linear warm-up over the first 50 steps
    /// and linear decay, batch 64, gradients clipped at norm 1, validation every epoch and the best validation loss's
    /// weights kept, early stop after 3 epochs without improvement. Deviations: the reference fine-tunes at lr 3e-5 with
    /// batch 256 for up to 50 epochs and keeps the epoch with the best precision on its test set; LabelFree picks the
    /// epoch on validation patients and uses lr 5e-4 for the small default model on 2 CPU cores.
    /// </summary>
    public static TrainerOptions DefaultTraining(long seed) => Behrt.DefaultTraining(seed) with
    {
        LearningRate = 5e-4,
        WarmupSteps = 50,
        EarlyStoppingPatience = 3,
        RestoreBestWeights = true,
    };

    /// <summary>Fine-tunes on sentences with one 0/1 row of <see cref="BehrtPredictorConfig.Labels"/> each.</summary>
    public TrainingResult Fit(IReadOnlyList<BehrtSequence> train, IReadOnlyList<float[]> trainTargets,
        IReadOnlyList<BehrtSequence> validation, IReadOnlyList<float[]> validationTargets, TrainingRun run)
    {
        if (train.Count != trainTargets.Count || validation.Count != validationTargets.Count) throw new ArgumentException("one target row per sentence");
        if (trainTargets.Concat(validationTargets).Any(t => t.Length != Config.Labels.Length)) throw new ArgumentException($"each target row needs {Config.Labels.Length} values");
        return Train(new BehrtBatches(train, Device, targets: trainTargets),
            validation.Count > 0 ? new BehrtBatches(validation, Device, targets: validationTargets) : null, run);
    }

    /// <summary>Each sentence's probability of each label: (sentences, labels).</summary>
    public float[,] Predict(IReadOnlyList<BehrtSequence> sentences)
    {
        Net.eval();
        var labels = Config.Labels.Length;
        var result = new float[sentences.Count, labels];
        BehrtBatches.ForEach(sentences, Device, InferenceBatch, (first, batch) =>
        {
            var values = functional.sigmoid(Net.call(batch)).cpu().data<float>().ToArray();  // (B, labels)
            Buffer.BlockCopy(values, 0, result, first * labels * sizeof(float), values.Length * sizeof(float));
        });
        return result;
    }
}
