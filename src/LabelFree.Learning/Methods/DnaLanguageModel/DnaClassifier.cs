using LabelFree.Core.Errors;
using LabelFree.Core.Models;
using LabelFree.Core.Training;
using LabelFree.Learning.Nn;
using static TorchSharp.torch;

namespace LabelFree.Learning.Methods.DnaLanguageModel;

/// <summary>A sequence classifier fine-tuned from a DNA language model (<see cref="DnaClassifierConfig"/>). Uses: <see cref="Predict"/>, <see cref="IDnaEncoderModel.Embed"/>, <see cref="IDnaEncoderModel.BaseAttention"/>.</summary>
public sealed class DnaClassifier : DnaEncoderModel<DnaClassifier, DnaClassifierConfig, DnaClassifierNet, LabelledDnaBatch>,
    IMethodDefinition<DnaClassifier, DnaClassifierConfig, DnaClassifierNet>
{
    private DnaClassifier(DnaClassifierConfig config, DnaClassifierNet net, Device device) : base(config, net, device, config.Tokenizer) { }

    public static string MethodName => "dna_classifier";

    static DnaClassifierNet IMethodDefinition<DnaClassifier, DnaClassifierConfig, DnaClassifierNet>.BuildNetwork(DnaClassifierConfig config) => new(config);

    static DnaClassifier IMethodDefinition<DnaClassifier, DnaClassifierConfig, DnaClassifierNet>.Wrap(DnaClassifierConfig config, DnaClassifierNet net, Device device) =>
        new(config, net, device);

    public override TransformerEncoder Encoder => Net.Encoder;

    /// <summary>A classifier over <paramref name="classes"/> whose encoder starts as <paramref name="pretrained"/>'s; the head's weights are drawn after seeding with <paramref name="seed"/>.</summary>
    public static DnaClassifier FromPretrained(IDnaEncoderModel pretrained, IReadOnlyList<string> classes, long seed, Device device)
    {
        var config = new DnaClassifierConfig { Encoder = FineTuningEncoder(pretrained.Encoder.Config), Tokenizer = pretrained.Tokenizer.Spec, Classes = classes.ToArray() };
        var model = Create(config, seed, device);
        ModelFolder.LoadStateDict(model.Net.Encoder, pretrained.Encoder.state_dict(), "the pre-trained encoder");
        return model;
    }

    /// <summary>The pre-trained encoder's architecture with DNABERT's fine-tuning dropout (hidden and attention 0.1; the NT v2 pre-trains without any).</summary>
    public static TransformerConfig FineTuningEncoder(TransformerConfig pretrained) =>
        pretrained with { Dropout = DnaClassifierConfig.FineTuningDropout, AttentionDropout = DnaClassifierConfig.FineTuningDropout };

    /// <summary>
    /// DNABERT's fine-tuning (the reference's README command): AdamW at 2e-4 (betas 0.9, 0.999, eps 1e-8), weight decay
    /// 0.01 except biases and norms, batch 32, 5 epochs, linear warm-up over the first 10% of the steps then linear
    /// decay to 0, gradient norm clipped at 1, the last weights kept.
    /// </summary>
    public static TrainerOptions DefaultTraining(int sequences, long seed, int epochs = 5, int batchSize = 32)
    {
        var steps = (long)Math.Ceiling(Math.Max(1, sequences) / (double)batchSize) * epochs;
        return new TrainerOptions
        {
            Seed = seed,
            Epochs = epochs,
            BatchSize = batchSize,
            Optimizer = OptimizerKind.AdamW,
            LearningRate = 2e-4,
            Beta1 = 0.9,
            Beta2 = 0.999,
            AdamEpsilon = 1e-8,
            WeightDecay = 0.01,
            Schedule = LearningRateSchedule.Linear,
            WarmupSteps = (long)(0.1 * steps),
            GradientClipNorm = 1.0,
            LogEverySteps = 5,
            RestoreBestWeights = false,
        };
    }

    public override IReadOnlyList<ParameterGroup> ParameterGroups() => ParameterGroup.SplitByDecay(Net);

    public override LossOutput Loss(LabelledDnaBatch batch, TrainingStep at)
    {
        var logits = Net.Logits(batch.Ids, batch.AttentionMask);                 // (B, C)
        var loss = nn.functional.cross_entropy(logits, batch.Classes);
        var accuracy = logits.argmax(-1).eq(batch.Classes).to(ScalarType.Float32).mean();
        return new LossOutput(loss, new Dictionary<string, Tensor> { ["accuracy"] = accuracy });
    }

    /// <summary>Fine-tunes on sequences with class indices into <see cref="DnaClassifierConfig.Classes"/>; the validation set, if any, is scored every epoch.</summary>
    public TrainingResult Fit(IReadOnlyList<ReadOnlyMemory<byte>> sequences, IReadOnlyList<int> classes,
        (IReadOnlyList<ReadOnlyMemory<byte>> Sequences, IReadOnlyList<int> Classes)? validation, TrainingRun run)
    {
        RequireClasses(sequences, classes);
        var train = new LabelledDnaSequences(sequences, classes, Tokenizer, MaxTokens, Device);
        LabelledDnaSequences? held = null;
        if (validation is { } v)
        {
            RequireClasses(v.Sequences, v.Classes);
            held = new LabelledDnaSequences(v.Sequences, v.Classes, Tokenizer, MaxTokens, Device);
        }
        return Train(train, held, run);
    }

    /// <summary>Class probabilities (sequences, classes), in the order of <see cref="DnaClassifierConfig.Classes"/>.</summary>
    public double[,] Predict(IReadOnlyList<ReadOnlyMemory<byte>> sequences)
    {
        var probabilities = new double[sequences.Count, Config.Classes.Length];
        DnaEncoderInference.ForEachBatch(Net, sequences, (first, batch) =>
        {
            var (ids, attention) = DnaTokens.Encode(Tokenizer, batch, MaxTokens, Device);
            var values = nn.functional.softmax(Net.Logits(ids, attention), -1).to(ScalarType.Float64).cpu().contiguous().data<double>().ToArray();   // (B, C)
            Buffer.BlockCopy(values, 0, probabilities, first * Config.Classes.Length * sizeof(double), values.Length * sizeof(double));
        });
        return probabilities;
    }

    private void RequireClasses(IReadOnlyList<ReadOnlyMemory<byte>> sequences, IReadOnlyList<int> classes)
    {
        if (sequences.Count != classes.Count) throw new ArgumentException($"{sequences.Count} sequences but {classes.Count} classes", nameof(classes));
        if (classes.Any(c => c < 0 || c >= Config.Classes.Length))
            throw new UserInputException($"dna classifier: a class index is outside the model's {Config.Classes.Length} classes ({string.Join(", ", Config.Classes)})");
    }
}
