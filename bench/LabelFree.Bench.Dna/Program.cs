// DNA language-model benchmark driver: LabelFree.Bench.Dna TOKENS BATCH STEPS THREADS [fused|explicit]
// Builds the Nucleotide Transformer family at 4 layers of 256 (4 heads, SwiGLU 1,024, rotary, pre-norm, no dropout,
// untied MLM head), draws random all-ACGT windows that tokenize to exactly TOKENS tokens, and trains through the
// Trainer (AdamW 0.9/0.98, weight decay without biases and norms, linear warm-up and decay, clipping at 1, BERT
// masking of 15%, the MLM head on masked tokens only). Three warm-up steps, then STEPS timed steps; prints one JSON
// line with training tokens per second and managed bytes allocated per step. "fused" (the default) is the model's
// own path, LibTorch's scaled_dot_product_attention; "explicit" computes softmax(q kᵀ / √d + mask) step by step (the
// encoder's path when attention probabilities are recorded).
using System.Diagnostics;
using System.Globalization;
using LabelFree.Core.Progress;
using LabelFree.Core.Torch;
using LabelFree.Core.Training;
using LabelFree.Data.Sequences;
using LabelFree.Learning.Methods.DnaLanguageModel;
using LabelFree.Learning.Nn;
using LabelFree.Learning.Objectives;
using static TorchSharp.torch;

var tokens = int.Parse(args[0], CultureInfo.InvariantCulture);
var batch = int.Parse(args[1], CultureInfo.InvariantCulture);
var steps = int.Parse(args[2], CultureInfo.InvariantCulture);
var threads = int.Parse(args[3], CultureInfo.InvariantCulture);
var mode = args.Length > 4 ? args[4] : "fused";
const int warmup = 3;
var device = TorchRuntime.Start(ComputeDevice.Cpu, threads);

var published = DnaLanguageModelConfig.NucleotideTransformer(DnaModelSize.Base);
var config = published with { Encoder = published.Encoder with { Layers = 4, Hidden = 256, Heads = 4, Intermediate = 1024, MaxPositions = Math.Max(512, tokens) } };
var bases = (tokens - 1) * 6;
var rng = new LabelFree.Core.Randomness.Rng(1);
var records = Enumerable.Range(0, 64).Select(i => SequenceRecord.FromText($"r{i}", new string(Enumerable.Range(0, bases + 600).Select(_ => "ACGT"[rng.NextInt(4)]).ToArray()))).ToArray();
using var model = DnaLanguageModel.Create(config, seed: 1, device);
ITrainable<MaskedDnaBatch> task = mode == "explicit" ? new ExplicitAttention(model) : model;
var options = DnaLanguageModel.DefaultTraining(warmup + steps, seed: 1, learningRate: 1e-3, batchSize: batch) with { ValidateEverySteps = 1_000_000, CheckpointEverySteps = 1_000_000 };
var clock = new StepClock();
new Trainer<MaskedDnaBatch>(task, options, null, clock).Fit(new DnaWindowStream(records, bases, new DnaMasker(config, device)));
var seconds = clock.Seconds(warmup, warmup + steps);
var managed = clock.AllocatedBytes(warmup, warmup + steps) / (double)steps;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{{\"tokens\":{tokens},\"batch\":{batch},\"threads\":{threads},\"attention\":\"{mode}\",\"timed_steps\":{steps}," +
    $"\"seconds_per_step\":{seconds / steps:F4},\"tokens_per_second\":{(double)tokens * batch * steps / seconds:F0}," +
    $"\"managed_kib_per_step\":{managed / 1024:F0},\"gc_collections\":{GC.CollectionCount(0)},\"peak_working_set_mib\":{Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:F0}}}"));

/// <summary>The model's loss with attention computed explicitly (recording the layers' probabilities switches the encoder's path).</summary>
internal sealed class ExplicitAttention(DnaLanguageModel model) : ITrainable<MaskedDnaBatch>
{
    private readonly DnaLanguageModelNet _net = (DnaLanguageModelNet)model.Network;

    public nn.Module Network => _net;

    public IReadOnlyList<ParameterGroup> ParameterGroups() => model.ParameterGroups();

    public LossOutput Loss(MaskedDnaBatch batch, TrainingStep at)
    {
        var hidden = _net.Encoder.call(new TransformerInput(batch.Ids, batch.AttentionMask, RecordAttention: AttentionRecording.AllLayers)).Hidden;
        var (chosen, labels) = MaskedLanguageModelLoss.Predicted(hidden, batch.Labels);
        return new LossOutput(MaskedLanguageModelLoss.CrossEntropy(_net.Logits(chosen), labels), new Dictionary<string, Tensor>());
    }
}

/// <summary>Records when each training step ends, and the managed bytes allocated by then.</summary>
internal sealed class StepClock : IProgressReporter
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Dictionary<long, double> _ends = new() { [0] = 0 };
    private readonly Dictionary<long, long> _allocated = new() { [0] = 0 };

    public double Seconds(long from, long to) => _ends[to] - _ends[from];

    public long AllocatedBytes(long from, long to) => _allocated[to] - _allocated[from];

    private void Mark(long step)
    {
        _ends[step] = _clock.Elapsed.TotalSeconds;
        _allocated[step] = GC.GetTotalAllocatedBytes(precise: true);
    }

    public IProgressTask Start(string title, long total, long completed = 0)
    {
        Mark(completed);
        return new Task(this);
    }

    public void Info(string line) { }

    private sealed class Task(StepClock clock) : IProgressTask
    {
        public void Report(long completed, string status) => clock.Mark(completed);

        public void Dispose() { }
    }
}
