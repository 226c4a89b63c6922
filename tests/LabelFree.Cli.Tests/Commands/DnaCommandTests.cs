using System.Globalization;
using System.Text;
using System.Text.Json;
using LabelFree.Analysis.Statistics;
using LabelFree.Data.Sequences;
using LabelFree.Data.Sequences.Tokenizers;
using LabelFree.Learning.Methods.DnaLanguageModel;
using LabelFree.Learning.Nn;
using LabelFree.TestKit;
using static TorchSharp.torch;

namespace LabelFree.Cli.Tests.Commands;

/// <summary>A small Nucleotide Transformer pre-trained once on the first 300 dm3 records, shared by the dna command tests.</summary>
public sealed class PretrainedDna : IDisposable
{
    private readonly TempFolder _folder = new();

    public PretrainedDna()
    {
        Result = LabelFreeProcess.Run(["dna", "pretrain", "--fasta", Dm3, "--method", "nt", "--records", "300", "--steps", "20", "--batch-size", "4",
            "--evaluation-windows", "12", "--out", Run, "--threads", "2", "--seed", "4"]);
    }

    public static string Dm3 => RepoData.File("sequences/dm3_upstream2000.fa.gz");

    public LabelFreeProcess.Result Result { get; }

    public string Run => _folder["pretrain"];

    public string Model => Path.Combine(Run, "model");

    public string this[string name] => _folder[name];

    public void Dispose() => _folder.Dispose();
}

[Trait(Category.Name, Category.Slow)]
public class DnaCommandTests(PretrainedDna pretrained) : IClassFixture<PretrainedDna>
{
    private static readonly string Ecoli = RepoData.File("sequences/ecoli_promoters_kernlab.csv");
    private static readonly string[] EcoliColumns = ["--sequence-column", "seq", "--label-column", "class"];

    private static string[] Lines(string path) => File.ReadAllLines(path);

    private static double Number(string text) => double.Parse(text, CultureInfo.InvariantCulture);

    [Fact]
    public void Pretraining_holds_out_whole_region_groups_and_scores_the_same_bases_as_the_markov_chain()
    {
        Assert.True(pretrained.Result.ExitCode == 0, pretrained.Result.Error);
        Assert.Contains("held-out bits per nucleotide", pretrained.Result.Output);
        foreach (var file in new[] { "config.json", "metrics.jsonl", "split.tsv", "heldout.json", "heldout_spans.tsv", "summary.json", "model/config.json",
                     "model/model.safetensors", "figures/loss.png", "figures/bits_per_nucleotide.png" })
            Assert.True(File.Exists(Path.Combine(pretrained.Run, file)), file);

        // No overlap group is on both sides of the split.
        var split = Lines(Path.Combine(pretrained.Run, "split.tsv")).Skip(1).Select(l => l.Split('\t')).ToArray();
        Assert.Equal(300, split.Length);
        Assert.DoesNotContain(split.GroupBy(f => f[1]), g => g.Select(f => f[2]).Distinct().Count() > 1);

        // heldout.json is the span table's totals: bits per hidden base of the model and of both Markov codes.
        var spans = Lines(Path.Combine(pretrained.Run, "heldout_spans.tsv")).Skip(1).Select(l => l.Split('\t')).ToArray();
        using var heldOut = JsonDocument.Parse(File.ReadAllText(Path.Combine(pretrained.Run, "heldout.json")));
        var root = heldOut.RootElement;
        var hidden = spans.Sum(f => int.Parse(f[2], CultureInfo.InvariantCulture));
        Assert.Equal(hidden, root.GetProperty("hidden_bases").GetInt64());
        Assert.All(spans, f => Assert.Equal(6, int.Parse(f[2], CultureInfo.InvariantCulture)));
        Assert.Equal(spans.Sum(f => Number(f[4])) / hidden, root.GetProperty("model_bits").GetDouble(), 4);
        Assert.Equal(spans.Sum(f => Number(f[5])) / hidden, root.GetProperty("markov_causal_bits").GetDouble(), 4);
        Assert.Equal(spans.Sum(f => Number(f[6])) / hidden, root.GetProperty("markov_conditional_bits").GetDouble(), 4);
        // Knowing both sides never costs the chain more than knowing one, span by span (it is the chain's exact conditional).
        Assert.True(root.GetProperty("markov_conditional_bits").GetDouble() < root.GetProperty("markov_causal_bits").GetDouble());
        Assert.InRange(root.GetProperty("model_bits").GetDouble(), 1.8, 2.2);
    }

    [Fact]
    public void Variant_effects_on_dm3_equal_a_hand_computation_from_the_model()
    {
        Assert.True(pretrained.Result.ExitCode == 0, pretrained.Result.Error);
        var record = FastaReader.ReadRecords(PretrainedDna.Dm3).First();
        File.WriteAllText(pretrained["genome.fa"], $">{record.Id}\n{record.Text}\n");
        var vcf = new StringBuilder("##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\n");
        foreach (var pos in new[] { 700, 1001, 1500 })
        {
            var reference = (char)record.Bases[pos - 1];
            vcf.Append($"{record.Id}\t{pos}\tsnv{pos}\t{reference}\t{(reference == 'A' ? 'G' : 'A')}\n");
        }
        vcf.Append($"{record.Id}\t1200\tdel\t{record.Text[1199..1202]}\t{record.Text[1199]}\n");
        File.WriteAllText(pretrained["variants.vcf"], vcf.ToString());

        var result = LabelFreeProcess.Run(["dna", "variant-effect", "--model", pretrained.Model, "--fasta", pretrained["genome.fa"], "--variants", pretrained["variants.vcf"],
            "--window", "600", "--out", pretrained["variants"], "--threads", "2"]);
        Assert.True(result.ExitCode == 0, result.Error);
        var rows = Lines(Path.Combine(pretrained["variants"], "variant_effects.tsv")).Skip(1).Select(l => l.Split('\t')).ToArray();
        Assert.Equal(4, rows.Length);

        _ = TestTorch.Cpu;
        using var model = DnaLanguageModel.Load(pretrained.Model, CPU);
        foreach (var row in rows)
        {
            var (pos, reference, alternative, start) = (int.Parse(row[1], CultureInfo.InvariantCulture), row[3], row[4], int.Parse(row[6], CultureInfo.InvariantCulture));
            // The window: 600 bases centred on the variant; the alternative window has ALT in place of REF.
            Assert.Equal(pos - 1 - 300, start);
            var refWindow = record.Text.Substring(start, 600);
            var offset = pos - 1 - start;
            var altWindow = refWindow[..offset] + alternative + refWindow[(offset + reference.Length)..];
            var embeddings = model.Embed([Encoding.ASCII.GetBytes(refWindow), Encoding.ASCII.GetBytes(altWindow)]).Mean;
            var difference = Enumerable.Range(0, embeddings.GetLength(1)).Select(d => (double)embeddings[0, d] - embeddings[1, d]).ToArray();
            Assert.Equal(Math.Sqrt(difference.Sum(x => x * x)), Number(row[8]), 4);
            if (row[5] != "snv")
            {
                Assert.Equal("NaN", row[10]);
                Assert.Contains("SNVs only", row[11]);
                continue;
            }
            // The NT's masked likelihood ratio: mask the 6-mer token holding the site, compare its probabilities of the two 6-mers.
            var tokens = model.Tokenizer.Tokenize(refWindow);
            var t = Enumerable.Range(0, tokens.Count).Single(i => tokens.Lengths[i] > 0 && tokens.Starts[i] <= offset && offset < tokens.Starts[i] + tokens.Lengths[i]);
            var ids = tokens.Ids.Select(i => (long)i).ToArray();
            ids[t] = NucleotideTransformerTokenizer.Mask;
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var net = (DnaLanguageModelNet)model.Network;
            var logp = nn.functional.log_softmax(net.Logits(net.Encoder.call(new TransformerInput(tensor(ids, [1, ids.Length]))).Hidden[0, t]), -1).data<float>().ToArray();
            var refKmer = refWindow.Substring(tokens.Starts[t], 6);
            var altKmer = refKmer[..(offset - tokens.Starts[t])] + alternative + refKmer[(offset - tokens.Starts[t] + 1)..];
            Assert.Equal(logp[model.Tokenizer.IdOf(altKmer)] - logp[model.Tokenizer.IdOf(refKmer)], Number(row[10]), 3);
        }
    }

    [Fact]
    public void Probe_finetune_predict_and_motifs_run_on_the_ecoli_promoters_beside_the_kmer_baseline()
    {
        Assert.True(pretrained.Result.ExitCode == 0, pretrained.Result.Error);
        var probe = LabelFreeProcess.Run(["dna", "probe", "--model", pretrained.Model, "--train", Ecoli, .. EcoliColumns, "--folds", "3", "--out", pretrained["probe"], "--threads", "2"]);
        Assert.True(probe.ExitCode == 0, probe.Error);
        using (var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(pretrained["probe"], "metrics.json"))))
        {
            var scores = metrics.RootElement.GetProperty("scores");
            foreach (var method in new[] { "probe_cls", "probe_mean", "kmer_baseline" })
                Assert.Equal(106, scores.GetProperty(method).GetProperty("count").GetInt32());
            // The E. coli classes differ in composition: the k-mer spectrum alone separates them well.
            Assert.True(scores.GetProperty("kmer_baseline").GetProperty("accuracy").GetDouble() > 0.85);
        }
        Assert.Equal(107, Lines(Path.Combine(pretrained["probe"], "predictions.tsv")).Length);

        var finetune = LabelFreeProcess.Run(["dna", "finetune", "--model", pretrained.Model, "--train", Ecoli, .. EcoliColumns, "--folds", "3", "--epochs", "2",
            "--out", pretrained["finetune"], "--threads", "2"]);
        Assert.True(finetune.ExitCode == 0, finetune.Error);
        Assert.Contains("fine_tuned accuracy", finetune.Output);
        Assert.True(File.Exists(Path.Combine(pretrained["finetune"], "model", "model.safetensors")));

        var predict = LabelFreeProcess.Run(["dna", "predict", "--model", Path.Combine(pretrained["finetune"], "model"), "--input", Ecoli, .. EcoliColumns,
            "--out", pretrained["predict"], "--threads", "2"]);
        Assert.True(predict.ExitCode == 0, predict.Error);
        var predictions = Lines(Path.Combine(pretrained["predict"], "predictions.tsv"));
        Assert.Equal("id\tpredicted\tp_non_promoter\tp_promoter", predictions[0]);
        Assert.All(predictions.Skip(1).Select(l => l.Split('\t')), f =>
        {
            Assert.Equal(1, Number(f[2]) + Number(f[3]), 4);
            Assert.Equal(Number(f[3]) > Number(f[2]) ? "promoter" : "non_promoter", f[1]);
        });

        // Lenient settings so the lightly trained model reports motifs; each must match a recount from the table.
        var motifs = LabelFreeProcess.Run(["dna", "motifs", "--model", Path.Combine(pretrained["finetune"], "model"), "--input", Ecoli, .. EcoliColumns,
            "--positive", "promoter", "--min-length", "4", "--q-cutoff", "0.9", "--min-instances", "2", "--window-size", "12", "--over-minimum", "1", "--out", pretrained["motifs"], "--threads", "2"]);
        Assert.True(motifs.ExitCode == 0, motifs.Error);
        var table = LabelledSequenceTable.Read(Ecoli, "seq", "class");
        var positives = Enumerable.Range(0, 106).Where(i => table.Labels[i] == "promoter").Select(i => table.Sequences[i].Text).ToArray();
        var negatives = Enumerable.Range(0, 106).Where(i => table.Labels[i] != "promoter").Select(i => table.Sequences[i].Text).ToArray();
        var reported = Lines(Path.Combine(pretrained["motifs"], "motifs.tsv")).Skip(1).Select(l => l.Split('\t')).ToArray();
        Assert.NotEmpty(reported);
        foreach (var f in reported)
        {
            var key = f[0];
            var (withPositive, withNegative) = (positives.Count(s => s.Contains(key, StringComparison.Ordinal)), negatives.Count(s => s.Contains(key, StringComparison.Ordinal)));
            Assert.Equal((withPositive, withNegative), (int.Parse(f[2], CultureInfo.InvariantCulture), int.Parse(f[3], CultureInfo.InvariantCulture)));
            Assert.Equal(Hypergeometric.UpperTail(withPositive, 106, 53, withPositive + withNegative), Number(f[4]), 5);
            Assert.True(Number(f[5]) >= Number(f[4]) && Number(f[5]) < 0.9);
            // The matrix counts the bases of the motif's windows, which are 12-base stretches of positive sequences.
            var windows = Lines(Path.Combine(pretrained["motifs"], f[6].Replace(".pfm", ".fa", StringComparison.Ordinal))).Where(l => !l.StartsWith('>')).ToArray();
            Assert.Equal(int.Parse(f[1], CultureInfo.InvariantCulture), windows.Length);
            Assert.All(windows, w => Assert.Contains(positives, p => p.Contains(w, StringComparison.Ordinal)));
            var pfm = Lines(Path.Combine(pretrained["motifs"], f[6])).Skip(1).Select(l => l.Split(' ').Select(int.Parse).ToArray()).ToArray();
            for (var b = 0; b < 4; b++)
                for (var p = 0; p < 12; p++) Assert.Equal(windows.Count(w => w[p] == "ACGT"[b]), pfm[b][p]);
        }
        Assert.True(File.Exists(Path.Combine(pretrained["motifs"], "figures", $"logo_1_{reported[0][0]}.png")));
    }

    [Fact]
    public void Controls_come_from_the_split_and_keep_dinucleotide_counts()
    {
        Assert.True(pretrained.Result.ExitCode == 0, pretrained.Result.Error);
        var result = LabelFreeProcess.Run(["dna", "controls", "--fasta", PretrainedDna.Dm3, "--split", Path.Combine(pretrained.Run, "split.tsv"), "--bases", "200",
            "--records", "40", "--out", pretrained["controls"]]);
        Assert.True(result.ExitCode == 0, result.Error);
        var heldOut = Lines(Path.Combine(pretrained.Run, "split.tsv")).Skip(1).Select(l => l.Split('\t')).Where(f => f[2] == "held_out").Select(f => f[0]).ToHashSet();
        var test = LabelledSequenceTable.Read(Path.Combine(pretrained["controls"], "test.csv"), idColumn: "id");
        Assert.All(test.Sequences.Where((_, i) => test.Labels[i] == "promoter"), s => Assert.Contains(s.Id, heldOut));
        for (var i = 0; i < test.Sequences.Count; i += 2)
        {
            Assert.Equal("shuffled", test.Labels[i + 1]);
            Assert.Equal(Pairs(test.Sequences[i].Text), Pairs(test.Sequences[i + 1].Text));
        }
        static string Pairs(string s) => string.Join(",", Enumerable.Range(0, s.Length - 1).Select(i => s.Substring(i, 2)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Bad_inputs_are_one_line_and_exit_2()
    {
        Assert.True(pretrained.Result.ExitCode == 0, pretrained.Result.Error);
        var record = FastaReader.ReadRecords(PretrainedDna.Dm3).First();
        File.WriteAllText(pretrained["bad.fa"], $">{record.Id}\n{record.Text}\n");
        var wrongRef = record.Bases[99] == (byte)'A' ? "C" : "A";
        File.WriteAllText(pretrained["bad.vcf"], $"#CHROM\tPOS\tID\tREF\tALT\n{record.Id}\t100\tx\t{wrongRef}\tG\nchrZ\t5\ty\tA\tG\n");
        foreach (var (args, expected) in new (string[], string)[]
                 {
                     (["dna", "pretrain", "--fasta", PretrainedDna.Dm3, "--method", "gpt", "--out", pretrained["bad1"]], "--method: expected dnabert or nt, got 'gpt'"),
                     (["dna", "pretrain", "--fasta", PretrainedDna.Dm3, "--k", "9", "--out", pretrained["bad1"]], "--k: DNABERT takes k from 3 to 6, got 9"),
                     (["dna", "variant-effect", "--model", pretrained.Model, "--fasta", pretrained["bad.fa"], "--variants", pretrained["bad.vcf"], "--out", pretrained["bad2"]],
                         $"bad.vcf:2: REF {wrongRef} does not match"),
                     (["dna", "motifs", "--model", pretrained.Model, "--input", Ecoli, .. EcoliColumns, "--out", pretrained["bad3"]], "--positive: name the positive label"),
                     (["dna", "predict", "--model", pretrained.Model, "--input", Ecoli, .. EcoliColumns, "--out", pretrained["bad4"]], "fine-tune it first"),
                     (["dna", "probe", "--model", pretrained.Model, "--train", Ecoli, "--out", pretrained["bad5"]], "no column 'sequence'"),
                 })
            LabelFreeProcess.AssertBadInput(args, expected);
        foreach (var folder in new[] { "bad1", "bad2", "bad3", "bad4", "bad5" }) Assert.False(Directory.Exists(pretrained[folder]), folder);
    }
}
