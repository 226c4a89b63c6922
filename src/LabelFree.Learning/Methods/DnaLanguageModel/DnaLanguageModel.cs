using LabelFree.Core.Errors;
using LabelFree.Core.Training;
using LabelFree.Data.Sequences;
using LabelFree.Data.Sequences.Tokenizers;
using LabelFree.Learning.Nn;
using LabelFree.Learning.Objectives;
using static TorchSharp.torch;

namespace LabelFree.Learning.Methods.DnaLanguageModel;

/// <summary>
/// A DNA language model (DNABERT or the Nucleotide Transformer; <see cref="DnaLanguageModelConfig"/> has both and the
/// deviations) pre-trained by masked language modelling on windows of long records. Uses: <see cref="IDnaEncoderModel.Embed"/>,
/// <see cref="IDnaEncoderModel.BaseAttention"/>, <see cref="ScoreSpans"/> (what the model predicts for hidden bases: held-out bits per
/// nucleotide and variant log-likelihood ratios), and <see cref="DnaClassifier.FromPretrained"/> for fine-tuning.
/// </summary>
public sealed class DnaLanguageModel : DnaEncoderModel<DnaLanguageModel, DnaLanguageModelConfig, DnaLanguageModelNet, MaskedDnaBatch>,
    IMethodDefinition<DnaLanguageModel, DnaLanguageModelConfig, DnaLanguageModelNet>
{
    private IReadOnlyList<ReadOnlyMemory<byte>>? _monitored;
    private HiddenSpan[] _monitoredSpans = [];

    private DnaLanguageModel(DnaLanguageModelConfig config, DnaLanguageModelNet net, Device device) : base(config, net, device, config.Tokenizer) { }

    public static string MethodName => "dna_lm";

    static DnaLanguageModelNet IMethodDefinition<DnaLanguageModel, DnaLanguageModelConfig, DnaLanguageModelNet>.BuildNetwork(DnaLanguageModelConfig config) => new(config);

    static DnaLanguageModel IMethodDefinition<DnaLanguageModel, DnaLanguageModelConfig, DnaLanguageModelNet>.Wrap(DnaLanguageModelConfig config, DnaLanguageModelNet net, Device device) =>
        new(config, net, device);

    public override TransformerEncoder Encoder => Net.Encoder;

    /// <summary>
    /// Pre-training as the references run it, scaled to <paramref name="steps"/> steps: AdamW (0.9, 0.98), eps 1e-6,
    /// weight decay 0.01 (not on biases and norms), linear warm-up over 5% of the steps (DNABERT: 10,000 of 200,000)
    /// then linear decay to 0, gradient norm clipped at 1. DNABERT's learning rate is 4e-4 at batch 250 (10 x 25
    /// accumulated); LabelFree's default batch of 16 windows takes <paramref name="learningRate"/> (1e-3 for the small
    /// models, whose few steps need a larger rate; use 4e-4 or less for the base size).
    /// </summary>
    public static TrainerOptions DefaultTraining(long steps, long seed, double learningRate = 1e-3, int batchSize = 16) => new()
    {
        Seed = seed,
        MaxSteps = steps,
        BatchSize = batchSize,
        Optimizer = OptimizerKind.AdamW,
        LearningRate = learningRate,
        Beta1 = 0.9,
        Beta2 = 0.98,
        AdamEpsilon = 1e-6,
        WeightDecay = 0.01,
        Schedule = LearningRateSchedule.Linear,
        WarmupSteps = Math.Max(1, steps / 20),
        MinLearningRateFraction = 0,
        GradientClipNorm = 1.0,
        ValidateEverySteps = Math.Max(10, steps / 10),
        CheckpointEverySteps = Math.Max(10, steps / 10),
        LogEverySteps = 10,
        RestoreBestWeights = false,
    };

    public override IReadOnlyList<ParameterGroup> ParameterGroups() => ParameterGroup.SplitByDecay(Net);

    /// <summary>Cross-entropy (nats) over the chosen tokens only; the MLM head runs on those alone.</summary>
    public override LossOutput Loss(MaskedDnaBatch batch, TrainingStep at)
    {
        var hidden = Net.Encoder.call(new TransformerInput(batch.Ids, batch.AttentionMask)).Hidden;   // (B, T, H)
        var (chosen, labels) = MaskedLanguageModelLoss.Predicted(hidden, batch.Labels);               // (N, H), (N)
        var logits = Net.Logits(chosen);                                                              // (N, V)
        var loss = MaskedLanguageModelLoss.CrossEntropy(logits, labels);
        var accuracy = logits.argmax(-1).eq(labels).to(ScalarType.Float32).mean();
        return new LossOutput(loss, new Dictionary<string, Tensor> { ["masked_accuracy"] = accuracy });
    }

    /// <summary>With monitored windows (<see cref="Fit"/>), the held-out bits per nucleotide on their fixed spans at every validation.</summary>
    public override IReadOnlyDictionary<string, double> ValidationMetrics(TrainingStep at) =>
        _monitored is null || _monitoredSpans.Length == 0 ? new Dictionary<string, double>()
            : new Dictionary<string, double> { ["bits_per_nucleotide"] = BitsPerNucleotide(ScoreSpans(_monitored, _monitoredSpans)) };

    /// <summary>
    /// Pre-trains on windows of <paramref name="windowBases"/> drawn from <paramref name="records"/> with reverse-complement
    /// augmentation (<see cref="DnaWindowStream"/>). <paramref name="validation"/> windows give the validation loss;
    /// <paramref name="monitored"/> windows and spans give held-out bits per nucleotide at each validation.
    /// </summary>
    public TrainingResult Fit(IReadOnlyList<SequenceRecord> records, int windowBases, IReadOnlyList<ReadOnlyMemory<byte>>? validation, TrainingRun run,
        IReadOnlyList<ReadOnlyMemory<byte>>? monitored = null, HiddenSpan[]? monitoredSpans = null)
    {
        var masker = new DnaMasker(Config, Device);
        (_monitored, _monitoredSpans) = (monitored, monitoredSpans ?? []);
        try
        {
            return Train(new DnaWindowStream(records, windowBases, masker), validation is null ? null : new MaskedDnaSequences(validation, masker), run);
        }
        finally
        {
            (_monitored, _monitoredSpans) = (null, []);
        }
    }

    /// <summary>
    /// The model's scores for every completion of each hidden span (<see cref="MaskedSpans"/>): each sequence is shown
    /// with the tokens that cover its spans masked ([MASK] throughout), and each span's masked tokens are read at the
    /// k-mers its completions make. Spans must be scorable (<see cref="MaskedSpans.CanScore"/>) and a sequence's spans
    /// must not share a token.
    /// </summary>
    public SpanScores[] ScoreSpans(IReadOnlyList<ReadOnlyMemory<byte>> sequences, IReadOnlyList<HiddenSpan> spans)
    {
        var bySequence = spans.Select((span, i) => (span, i)).GroupBy(p => p.span.Sequence).ToDictionary(g => g.Key, g => g.ToArray());
        var result = new SpanScores[spans.Count];
        var order = bySequence.Keys.Order().ToArray();
        var chosen = order.Select(s => sequences[s]).ToArray();
        DnaEncoderInference.ForEachBatch(Net, chosen, (first, batch) =>
        {
            var tokens = new TokenizedSequence[batch.Count];
            var masked = new int[batch.Count][][];
            var rows = new List<long>();  // flat (B*T) index of every masked token, span by span
            var ids = new long[batch.Count][];
            for (var i = 0; i < batch.Count; i++)
            {
                var mine = bySequence[order[first + i]];
                tokens[i] = MaskedSpans.Kept(Tokenizer, batch[i].Span, MaxTokens);
                foreach (var (span, _) in mine)
                    if (!MaskedSpans.CanScore(Tokenizer, batch[i].Span, MaxTokens, span.Start, span.Length))
                        throw new ArgumentException($"span [{span.Start}, {span.Start + span.Length}) of sequence {span.Sequence} cannot be scored", nameof(spans));
                var (maskedIds, maskedTokens) = MaskedSpans.Mask(Tokenizer, tokens[i], mine.Select(p => p.span).ToArray());
                if (maskedTokens.SelectMany(t => t).Distinct().Count() != maskedTokens.Sum(t => t.Length))
                    throw new ArgumentException($"spans of sequence {order[first + i]} share a token", nameof(spans));
                ids[i] = maskedIds.Select(id => (long)id).ToArray();
                masked[i] = maskedTokens;
            }
            var length = ids.Max(r => r.Length);
            var flat = new long[batch.Count * length];
            var attention = new bool[flat.Length];
            Array.Fill(flat, Tokenizer.Specials.Pad);
            for (var i = 0; i < batch.Count; i++)
            {
                ids[i].CopyTo(flat, i * length);
                Array.Fill(attention, true, i * length, ids[i].Length);
                foreach (var spanTokens in masked[i]) rows.AddRange(spanTokens.Select(t => (long)(i * length + t)));
            }
            var input = new TransformerInput(tensor(flat, [batch.Count, length]).to(Device), tensor(attention, [batch.Count, length]).to(Device));
            var hidden = Net.Encoder.call(input).Hidden.reshape(-1, Config.Encoder.Hidden);              // (B*T, H)
            var picked = hidden.index_select(0, tensor(rows.ToArray()).to(Device));                       // (N, H)
            var logp = nn.functional.log_softmax(Net.Logits(picked), -1).cpu();                               // (N, V)
            var vocabulary = (int)logp.shape[1];
            var values = logp.contiguous().data<float>().ToArray();
            var row = 0;
            for (var i = 0; i < batch.Count; i++)
            {
                var mine = bySequence[order[first + i]];
                for (var s = 0; s < mine.Length; s++)
                {
                    var tokenCount = masked[i][s].Length;
                    var rowsOfSpan = Enumerable.Range(row, tokenCount).Select(r => values[(r * vocabulary)..((r + 1) * vocabulary)]).ToArray();
                    result[mine[s].i] = MaskedSpans.Score(Tokenizer, batch[i].Span, tokens[i], mine[s].span, masked[i][s], rowsOfSpan);
                    row += tokenCount;
                }
            }
        });
        return result;
    }

    /// <summary>Mean bits per hidden nucleotide over scored spans (total bits / total hidden bases).</summary>
    public static double BitsPerNucleotide(IReadOnlyList<SpanScores> scores)
    {
        if (scores.Count == 0) throw new UserInputException("held-out evaluation: no span could be scored");
        return scores.Sum(s => s.Bits) / scores.Sum(s => s.Span.Length);
    }
}
