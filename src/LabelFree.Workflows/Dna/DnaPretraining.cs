using System.Globalization;
using System.Text;
using LabelFree.Analysis.Sequences;
using LabelFree.Core.Errors;
using LabelFree.Core.IO;
using LabelFree.Core.Progress;
using LabelFree.Core.Randomness;
using LabelFree.Core.Training;
using LabelFree.Data.Sequences;
using LabelFree.Learning.Methods.DnaLanguageModel;
using LabelFree.Reports.Figures;
using LabelFree.Workflows.Runs;

namespace LabelFree.Workflows.Dna;

/// <summary>
/// What to pre-train on and how: a FASTA file (plain or gzipped), the method and its k (DNABERT), the size, the window
/// in bases (null: as many as the model's tokens hold, at most the longest training record), the held-out fraction
/// (whole overlap groups of records), how many held-out windows the final evaluation scores, and optionally only the
/// first <paramref name="Records"/> records (a quick run).
/// </summary>
public sealed record DnaPretrainSettings(string Fasta, DnaMethod Method = DnaMethod.Dnabert, int K = 6, DnaModelSize Size = DnaModelSize.Small,
    int? WindowBases = null, double HeldOutFraction = 0.1, int EvaluationWindows = 200, int? Records = null);

/// <summary>What a pre-training run records in its config.json.</summary>
public sealed record DnaPretrainRecord(DnaPretrainSettings Settings, DnaLanguageModelConfig Model, TrainerOptions Training, int WindowBases,
    int TrainRecords, int HeldOutRecords, int HeldOutGroups);

/// <summary>The held-out comparison: the model and the Markov baseline on the same hidden bases of the same held-out windows.</summary>
/// <param name="ModelBits">The model's bits per hidden nucleotide (<see cref="MaskedSpans"/>).</param>
/// <param name="MarkovCausalBits">The Markov chain coding the same bases left to right (each given the bases before it).</param>
/// <param name="MarkovConditionalBits">The Markov chain's own prediction of each span given both sides: the fair peer of a masked model.</param>
/// <param name="MarkovHeldOutRecordBits">The Markov chain's code length of every base of the held-out records, left to right.</param>
public sealed record HeldOutBits(int Windows, int Spans, long HiddenBases, double ModelBits, double MarkovCausalBits, double MarkovConditionalBits,
    int MarkovOrder, IReadOnlyList<double> MarkovSelectionBits, double MarkovHeldOutRecordBits, long MarkovHeldOutBases, string Definition);

/// <summary>What a pre-training run reports.</summary>
public sealed record DnaPretrainSummary(long Steps, double FinalLoss, double? BestValidationLoss, double Seconds, double TrainingTokensPerSecond, HeldOutBits HeldOut);

/// <summary>
/// DNA language-model pre-training, shared by <c>dna pretrain</c> and the demo: records read from FASTA, whole overlap
/// groups of records held out (dm3's upstream regions share sequence between transcripts), masked pre-training on
/// windows drawn from the training records with reverse-complement augmentation, then held-out bits per nucleotide of
/// the model beside an order-k Markov chain fitted on the same training records (order chosen on them), on the same
/// hidden bases; split.tsv, heldout.json, heldout_spans.tsv, the model and the learning curves.
/// </summary>
public static class DnaPretraining
{
    /// <summary>Chance that an eligible unit (a base for DNABERT, a k-mer token for NT) becomes an evaluation span.</summary>
    public const double EvaluationRate = 0.15;

    /// <summary>Held-out windows scored at every validation for the learning curve in bits per nucleotide.</summary>
    public const int MonitoredWindows = 16;

    /// <summary>Held-out windows whose masked-token loss is the validation loss.</summary>
    public const int ValidationWindows = 64;

    public const int MarkovMaxOrder = 8;

    /// <summary>Pre-training steps by default.</summary>
    public const long DefaultSteps = 2000;

    public static DnaPretrainSummary Run(DnaPretrainSettings settings, TrainerOptions training, RunSettings run, bool resume, IProgressReporter progress,
        string command = "dna pretrain")
    {
        Check(settings);
        training = training.Validate();
        var config = DnaLanguageModelConfig.For(settings.Method, settings.K, settings.Size);
        var records = ReadRecords(settings, progress);
        var groups = GenomicRegion.OverlapGroups(records);
        var split = RecordSplit.HoldOutGroups(groups, settings.HeldOutFraction, run.Seed);
        var train = RecordSplit.Select(records, split.Train);
        var heldOut = RecordSplit.Select(records, split.HeldOut);
        var windowBases = WindowBases(settings, config, train);

        var device = run.StartTorch();
        using var model = DnaLanguageModel.Create(config, run.Seed, device);
        var windows = HeldOutWindows(heldOut, windowBases, settings.EvaluationWindows, run.Seed);
        var spans = MaskedSpans.Choose(model.Tokenizer, windows, model.MaxTokens, EvaluationRate, Rng.For(run.Seed, "heldout-spans"));
        if (spans.Length == 0) throw new UserInputException($"{settings.Fasta}: the held-out windows have no stretch of A, C, G, T that can be scored");

        RunFolder.Start(run.Out, command, run.Seed, run.DeviceName,
            new DnaPretrainRecord(settings, config, training, windowBases, split.Train.Length, split.HeldOut.Length, split.HeldOut.Select(i => groups[i]).Distinct().Count()));
        WriteSplit(Path.Combine(run.Out, "split.tsv"), records, groups, split);
        progress.Info($"{settings.Method}: {train.Count:N0} training and {heldOut.Count:N0} held-out records (whole overlap groups), windows of {windowBases} bases");

        progress.Info($"Markov baseline: order chosen on the training records (0 to {MarkovMaxOrder})");
        var markov = MarkovBaseline.Select(train.Select(r => (ReadOnlyMemory<byte>)r.Bases).ToArray(), MarkovMaxOrder, seed: run.Seed,
            groups: split.Train.Select(i => groups[i]).ToArray());
        var markovRecords = markov.Evaluate(heldOut.Select(r => (ReadOnlyMemory<byte>)r.Bases).ToArray());

        var monitored = windows.Take(MonitoredWindows).ToArray();
        var monitoredSpans = spans.Where(s => s.Sequence < monitored.Length).ToArray();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = model.Fit(train, windowBases, windows.Take(ValidationWindows).ToArray(), new TrainingRun(training, run.Out, progress, resume), monitored, monitoredSpans);
        var seconds = clock.Elapsed.TotalSeconds;
        model.Save(Path.Combine(run.Out, "model"), run.Seed, result.Steps);

        progress.Info($"held-out evaluation: {spans.Length:N0} hidden spans in {windows.Length} windows");
        var scores = model.ScoreSpans(windows, spans);
        var markovBits = MarkovSpanBits(scores, windows, markov);
        var heldOutBits = Compare(scores, windows.Length, markovBits, markov, markovRecords, settings.Method);
        WriteSpans(Path.Combine(run.Out, "heldout_spans.tsv"), scores, windows, markovBits);
        Json.Write(Path.Combine(run.Out, "heldout.json"), heldOutBits);

        var figures = Path.Combine(run.Out, "figures");
        LossCurve.Save(run.Out, Path.Combine(figures, "loss.png"), $"{settings.Method}: masked-token cross-entropy (nats)", validationLabel: "held-out windows");
        SaveBitsCurve(run.Out, Path.Combine(figures, "bits_per_nucleotide.png"), heldOutBits, settings.Method);
        var stepsPerSecond = MetricsLog.Read(Path.Combine(run.Out, MetricsLog.FileName)).LastOrDefault(l => l.Phase == "train")?.StepsPerSecond ?? double.NaN;
        var summary = new DnaPretrainSummary(result.Steps, result.FinalLoss, result.BestValidationLoss, seconds,
            stepsPerSecond * training.BatchSize * model.Tokenizer.Tokenize(Enumerable.Repeat((byte)'A', windowBases).ToArray()).Count, heldOutBits);
        Json.Write(Path.Combine(run.Out, "summary.json"), summary);
        return summary;
    }

    /// <summary>Held-out windows: every non-overlapping window of the held-out records, then a seeded choice of <paramref name="count"/> of them (fewer than 10% unknown bases).</summary>
    public static ReadOnlyMemory<byte>[] HeldOutWindows(IReadOnlyList<SequenceRecord> heldOut, int windowBases, int count, long seed)
    {
        var tiles = SequenceWindows.Tile(heldOut, windowBases)
            .Where(w => w.Bases(heldOut).Count((byte)'N') <= DnaWindowStream.MaxUnknownFraction * windowBases).ToArray();
        if (tiles.Length == 0) throw new UserInputException($"held-out records: none holds a window of {windowBases} bases");
        var order = Rng.For(seed, "heldout-windows").Permutation(tiles.Length);
        return order.Take(count).Order().Select(i => tiles[i].Memory(heldOut)).ToArray();
    }

    private static void Check(DnaPretrainSettings settings)
    {
        UserInputException.RequireFile(settings.Fasta, "FASTA file");
        if (settings.Method == DnaMethod.Dnabert && settings.K is < 3 or > 6) throw new SettingException("k", $"DNABERT takes k from 3 to 6, got {settings.K}");
        if (settings.Method == DnaMethod.Nt && settings.K != 6) throw new SettingException("k", $"the Nucleotide Transformer uses 6-mers, got {settings.K}");
        if (settings.HeldOutFraction is <= 0 or >= 1) throw new SettingException("held_out_fraction", $"expected a number in (0, 1), got {settings.HeldOutFraction}");
        if (settings.EvaluationWindows < 1) throw new SettingException("evaluation_windows", $"expected a positive number, got {settings.EvaluationWindows}");
        if (settings.WindowBases is < 16) throw new SettingException("window_bases", $"expected at least 16 bases, got {settings.WindowBases}");
        if (settings.Records is < 2) throw new SettingException("records", $"expected at least 2 records, got {settings.Records}");
    }

    private static IReadOnlyList<SequenceRecord> ReadRecords(DnaPretrainSettings settings, IProgressReporter progress)
    {
        progress.Info($"reading {settings.Fasta}");
        var all = FastaReader.ReadRecords(settings.Fasta);
        var records = (settings.Records is { } n ? all.Take(n) : all).ToList();
        if (records.Count < 2) throw new UserInputException($"{settings.Fasta}: {records.Count} record(s); held-out evaluation needs at least 2");
        return records;
    }

    private static int WindowBases(DnaPretrainSettings settings, DnaLanguageModelConfig config, IReadOnlyList<SequenceRecord> train)
    {
        var longest = train.Max(r => r.Length);
        if (settings.WindowBases is { } given)
        {
            if (given > config.MaxWindowBases) throw new SettingException("window_bases", $"{given} bases need more than the model's {config.MaxTokens} tokens (at most {config.MaxWindowBases})");
            if (given > longest) throw new SettingException("window_bases", $"{given} bases, but the longest training record has {longest}");
            return given;
        }
        return Math.Min(config.MaxWindowBases, longest);
    }

    /// <summary>The Markov chain's bits for each scored span: left to right, and given both sides.</summary>
    private static (double[] Causal, double[] Conditional) MarkovSpanBits(SpanScores[] scores, IReadOnlyList<ReadOnlyMemory<byte>> windows, MarkovBaseline markov)
    {
        var causal = new double[scores.Length];
        var conditional = new double[scores.Length];
        for (var i = 0; i < scores.Length; i++)
        {
            var span = scores[i].Span;
            var bases = windows[span.Sequence].Span;
            causal[i] = markov.CausalSpanBits(bases, span.Start, span.Length);
            conditional[i] = markov.ConditionalSpanBits(bases, span.Start, span.Length);
        }
        return (causal, conditional);
    }

    private static HeldOutBits Compare(SpanScores[] scores, int windows, (double[] Causal, double[] Conditional) markovBits, MarkovBaseline markov, MarkovScore records,
        DnaMethod method)
    {
        var hidden = scores.Sum(s => (long)s.Span.Length);
        var definition = method == DnaMethod.Dnabert
            ? "DNABERT: one hidden base per span; the k tokens covering it are masked, their neighbours spell every other base; p(base) from the product of the k masked tokens' probabilities of the k-mers it makes, normalised over A, C, G, T"
            : "NT: one hidden 6-mer token per span; p(6 bases) from the masked token's probabilities over the 4,096 6-mers; bits divided by 6";
        return new HeldOutBits(windows, scores.Length, hidden, DnaLanguageModel.BitsPerNucleotide(scores), markovBits.Causal.Sum() / hidden,
            markovBits.Conditional.Sum() / hidden, markov.Order, markov.SelectionBits, records.BitsPerNucleotide, records.Predicted, definition);
    }

    private static void WriteSplit(string path, IReadOnlyList<SequenceRecord> records, string[] groups, RecordSplit split)
    {
        var held = split.HeldOut.ToHashSet();
        var text = new StringBuilder("record\tgroup\tpart\n");
        for (var i = 0; i < records.Count; i++) text.Append(CultureInfo.InvariantCulture, $"{records[i].Id}\t{groups[i]}\t{(held.Contains(i) ? "held_out" : "train")}\n");
        AtomicFile.WriteAllText(path, text.ToString());
    }

    private static void WriteSpans(string path, SpanScores[] scores, IReadOnlyList<ReadOnlyMemory<byte>> windows, (double[] Causal, double[] Conditional) markovBits)
    {
        var text = new StringBuilder("window\tstart\tlength\tbases\tmodel_bits\tmarkov_causal_bits\tmarkov_conditional_bits\n");
        for (var i = 0; i < scores.Length; i++)
        {
            var span = scores[i].Span;
            var spelled = Encoding.ASCII.GetString(windows[span.Sequence].Span.Slice(span.Start, span.Length));
            text.Append(CultureInfo.InvariantCulture,
                $"{span.Sequence}\t{span.Start}\t{span.Length}\t{spelled}\t{scores[i].Bits:G6}\t{markovBits.Causal[i]:G6}\t{markovBits.Conditional[i]:G6}\n");
        }
        AtomicFile.WriteAllText(path, text.ToString());
    }

    private static void SaveBitsCurve(string runFolder, string path, HeldOutBits heldOut, DnaMethod method)
    {
        var lines = MetricsLog.Read(Path.Combine(runFolder, MetricsLog.FileName))
            .Where(l => l.Phase == "validation" && l.Metrics?.ContainsKey("bits_per_nucleotide") == true).ToList();
        var steps = lines.Select(l => (double)l.Step).ToList();
        if (steps.Count == 0) return;
        var span = new[] { steps[0], steps[^1] };
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        LineChart.SavePng(path, $"{method}: held-out bits per hidden nucleotide ({MonitoredWindows} windows)", "step", "bits per nucleotide",
        [
            new Series("model", steps, lines.Select(l => l.Metrics!["bits_per_nucleotide"]).ToList()),
            new Series($"Markov order {heldOut.MarkovOrder}, left to right", span, [heldOut.MarkovCausalBits, heldOut.MarkovCausalBits]),
            new Series($"Markov order {heldOut.MarkovOrder}, both sides", span, [heldOut.MarkovConditionalBits, heldOut.MarkovConditionalBits]),
        ]);
    }
}
