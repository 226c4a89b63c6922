using LabelFree.Core.Training;
using LabelFree.Data.Ehr;
using LabelFree.Learning.Objectives;
using static TorchSharp.torch;

namespace LabelFree.Learning.Methods.Behrt;

/// <summary>
/// BEHRT pre-trained by masked language modelling on patients' event sentences (<see cref="BehrtConfig"/> has the
/// architecture and the deviations from the reference). Uses: <see cref="Embed"/> (patient vectors), and the encoder
/// as the start of <see cref="BehrtPredictor"/>.
/// </summary>
public sealed class Behrt : MethodModel<Behrt, BehrtConfig, BehrtNet, BehrtBatch>, IMethodDefinition<Behrt, BehrtConfig, BehrtNet>
{
    private const int InferenceBatch = 256;

    private Behrt(BehrtConfig config, BehrtNet net, Device device) : base(config, net, device) { }

    public static string MethodName => "behrt";

    static BehrtNet IMethodDefinition<Behrt, BehrtConfig, BehrtNet>.BuildNetwork(BehrtConfig config) => new(config);

    static Behrt IMethodDefinition<Behrt, BehrtConfig, BehrtNet>.Wrap(BehrtConfig config, BehrtNet net, Device device) => new(config, net, device);

    /// <summary>The pre-trained encoder, which <see cref="BehrtPredictor.FromPretrained"/> starts from.</summary>
    public Nn.TransformerEncoder Encoder => Net.Encoder;

    /// <summary>BERT's masking (15%, 80/10/10) over this model's vocabulary.</summary>
    public TokenMaskingOptions Masking => new TokenMaskingOptions
    {
        MaskId = EhrVocabulary.Mask,
        VocabularySize = Config.Vocabulary.Size,
        SpecialIds = Config.Vocabulary.SpecialIds,
    }.Validate();

    public override LossOutput Loss(BehrtBatch batch, TrainingStep at)
    {
        var hidden = BehrtEncoding.Hidden(Net.Encoder, batch);                                     // (B, T, H)
        var (chosen, labels) = MaskedLanguageModelLoss.Predicted(hidden, batch.MaskedLabels!);      // (N, H), (N)
        // A batch of a few short sentences may have no token chosen: its loss is zero (not the NaN of an empty mean).
        var loss = labels.shape[0] == 0 ? hidden.sum() * 0 : MaskedLanguageModelLoss.CrossEntropy(Net.Head.call(chosen), labels);
        return new LossOutput(loss, new Dictionary<string, Tensor>());
    }

    /// <summary>No weight decay on biases and LayerNorms (the reference's optimiser.py).</summary>
    public override IReadOnlyList<ParameterGroup> ParameterGroups() => ParameterGroup.SplitByDecay(Net);

    /// <summary>
    /// Pre-training: AdamW with weight decay 0.01, a linear warm-up
    /// over the first 100 steps then a linear decay (BERT's), gradients clipped at norm 1. Deviations: the reference
    /// runs 50 epochs of batch 256 at lr 3e-5 on a GPU (its BertAdam, given no total step count, never warms up); on 2
    /// CPU cores the small default model trains 10 epochs of batch 64 at lr 1e-3.
    /// </summary>
    public static TrainerOptions DefaultTraining(long seed) => new()
    {
        Seed = seed,
        Epochs = 10,
        BatchSize = 64,
        Optimizer = OptimizerKind.AdamW,
        LearningRate = 1e-3,
        WeightDecay = 0.01,
        Schedule = LearningRateSchedule.Linear,
        WarmupSteps = 100,
        GradientClipNorm = 1.0,
        LogEverySteps = 20,
    };

    /// <summary>Pre-trains on <paramref name="train"/> sentences, validating the MLM loss on <paramref name="validation"/>.</summary>
    public TrainingResult Fit(IReadOnlyList<BehrtSequence> train, IReadOnlyList<BehrtSequence>? validation, TrainingRun run) =>
        Train(new BehrtBatches(train, Device, Masking), validation is { Count: > 0 } ? new BehrtBatches(validation, Device, Masking) : null, run);

    /// <summary>Each patient's vector: the mean of the last layer's hidden states over the sentence's tokens, (patients, hidden).</summary>
    public float[,] Embed(IReadOnlyList<BehrtSequence> sentences)
    {
        Net.eval();
        var result = new float[sentences.Count, Config.Hidden];
        BehrtBatches.ForEach(sentences, Device, InferenceBatch, (first, batch) =>
        {
            var pooled = BehrtEncoding.MeanOverTokens(BehrtEncoding.Hidden(Net.Encoder, batch), batch.Keep).cpu();  // (B, H)
            var values = pooled.data<float>().ToArray();
            Buffer.BlockCopy(values, 0, result, first * Config.Hidden * sizeof(float), values.Length * sizeof(float));
        });
        return result;
    }

    /// <summary>The sentences of <paramref name="patients"/> with their events up to <paramref name="lastDay"/> (one per patient, or int.MaxValue for all).</summary>
    public IReadOnlyList<BehrtSequence> Sentences(EhrCohort cohort, IReadOnlyList<int> patients, Func<int, int> lastDay)
    {
        var tokens = Config.Vocabulary.For(cohort);
        return patients.Select(p => BehrtSequence.Build(cohort, tokens, p, lastDay(p), Config.MaxLength, Config.MaxAgeMonths)).ToList();
    }
}
