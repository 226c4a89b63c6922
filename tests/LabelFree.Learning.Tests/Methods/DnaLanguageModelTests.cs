using System.Text;
using LabelFree.Core.Randomness;
using LabelFree.Core.Training;
using LabelFree.Data.Sequences;
using LabelFree.Data.Sequences.Tokenizers;
using LabelFree.Learning.Methods.DnaLanguageModel;
using LabelFree.Learning.Nn;
using LabelFree.TestKit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace LabelFree.Learning.Tests.Methods;

public class DnaLanguageModelTests(ITestOutputHelper output)
{
    /// <summary>A published configuration shrunk to one layer of 16 (fast, still the method's family).</summary>
    public static DnaLanguageModelConfig Tiny(DnaMethod method, int k = 3, int layers = 1, int hidden = 16, int maxTokens = 64)
    {
        var published = DnaLanguageModelConfig.For(method, k);
        return published with { Encoder = published.Encoder with { Layers = layers, Hidden = hidden, Heads = 2, Intermediate = 2 * hidden, MaxPositions = maxTokens } };
    }

    private static ReadOnlyMemory<byte> Bases(string text) => Encoding.ASCII.GetBytes(text);

    /// <summary>The log-probabilities the network gives at each position of <paramref name="ids"/>, computed outside the method's own code.</summary>
    private static float[][] LogProbabilities(DnaLanguageModel model, int[] ids)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var net = (DnaLanguageModelNet)model.Network;
        net.eval();
        var hidden = net.Encoder.call(new TransformerInput(tensor(ids.Select(i => (long)i).ToArray(), [1, ids.Length]))).Hidden;
        var logp = nn.functional.log_softmax(net.Logits(hidden[0]), -1);   // (T, V)
        return Enumerable.Range(0, ids.Length).Select(t => logp[t].data<float>().ToArray()).ToArray();
    }

    [Fact]
    public void Dnabert_scores_one_hidden_base_from_the_k_masked_tokens_that_cover_it()
    {
        var device = TestTorch.Cpu;
        using var model = DnaLanguageModel.Create(Tiny(DnaMethod.Dnabert, k: 3), seed: 1, device);
        const string sequence = "GATTACAGATTACA";
        // Base 5 (C) is covered by the 3-mers starting at 3, 4 and 5: TAC, ACA, CAG (token positions 4, 5, 6 after [CLS]).
        var scores = Assert.Single(model.ScoreSpans([Bases(sequence)], [new HiddenSpan(0, 5, 1)]));
        var ids = model.Tokenizer.Tokenize(sequence).Ids;
        foreach (var t in new[] { 4, 5, 6 }) ids[t] = KmerTokenizer.Mask;
        var logp = LogProbabilities(model, ids);
        foreach (var b in "ATCG")
        {
            var expected = (double)logp[4][model.Tokenizer.IdOf("TA" + b)] + logp[5][model.Tokenizer.IdOf("A" + b + "A")] + logp[6][model.Tokenizer.IdOf(b + "AG")];
            Assert.Equal(expected, scores.Of(b.ToString()), 4);
        }
        Assert.Equal(KmerAlphabet.Index("C", 1), scores.Truth);
        var normaliser = Math.Log("ATCG".Sum(b => Math.Exp(scores.Of(b.ToString()))));
        Assert.Equal(-(scores.Of("C") - normaliser) / Math.Log(2), scores.Bits, 6);
        Assert.Equal(scores.Bits, DnaLanguageModel.BitsPerNucleotide([scores]), 12);
    }

    [Fact]
    public void The_nucleotide_transformer_scores_a_hidden_token_over_all_its_k_mers()
    {
        var device = TestTorch.Cpu;
        using var model = DnaLanguageModel.Create(Tiny(DnaMethod.Nt), seed: 2, device);
        const string sequence = "GATTACAGATTACATTTGCA";  // tokens GATTAC AGATTA CATTTG CA -> C A singles
        var scores = Assert.Single(model.ScoreSpans([Bases(sequence)], [new HiddenSpan(0, 6, 6)]));
        var ids = model.Tokenizer.Tokenize(sequence).Ids;
        ids[2] = NucleotideTransformerTokenizer.Mask;
        var logp = LogProbabilities(model, ids)[2];
        Assert.Equal(4096, scores.Scores.Length);
        foreach (var kmer in new[] { "AGATTA", "CCCCCC", "TTTTTG" })
            Assert.Equal(logp[model.Tokenizer.IdOf(kmer)], scores.Of(kmer), 4);
        Assert.Equal(KmerAlphabet.Index("AGATTA", 6), scores.Truth);
        // Bits per nucleotide: the token's bits over its 6 bases, normalised over the 4,096 6-mers only.
        var kmers = Enumerable.Range(0, 4096).Select(i => (double)logp[NucleotideTransformerTokenizer.FirstKmer + i]).ToArray();
        var normaliser = Math.Log(kmers.Sum(Math.Exp));
        Assert.Equal(-(logp[model.Tokenizer.IdOf("AGATTA")] - normaliser) / Math.Log(2) / 6, DnaLanguageModel.BitsPerNucleotide([scores]), 4);
    }

    [Fact]
    public void Evaluation_spans_keep_their_distance_and_avoid_unknown_bases()
    {
        var rng = new Rng(6);
        var text = new string(Enumerable.Range(0, 400).Select(i => i is >= 200 and < 203 ? 'N' : "ACGT"[rng.NextInt(4)]).ToArray());
        foreach (var method in new[] { DnaMethod.Dnabert, DnaMethod.Nt })
        {
            var tokenizer = DnaLanguageModelConfig.For(method).Tokenizer.Create();
            var spans = MaskedSpans.Choose(tokenizer, [Bases(text)], maxTokens: 512, rate: 1.0, Rng.For(1, "spans"));
            Assert.NotEmpty(spans);
            Assert.All(spans, s => Assert.Equal(method == DnaMethod.Dnabert ? 1 : 6, s.Length));
            for (var i = 1; i < spans.Length; i++) Assert.True(spans[i].Start >= spans[i - 1].Start + spans[i - 1].Length + MaskedSpans.Gap);
            // DNABERT: the 6 tokens covering the base and one more on each side must be whole k-mers, so no span within 6 bases of N.
            var margin = method == DnaMethod.Dnabert ? 6 : 0;
            Assert.All(spans, s => Assert.True(s.Start + s.Length + margin <= 200 || s.Start - margin >= 203, $"{method}: span at {s.Start}"));
            Assert.All(spans, s => Assert.True(MaskedSpans.CanScore(tokenizer, Encoding.ASCII.GetBytes(text), 512, s.Start, s.Length)));
        }
        var dnabert = new KmerTokenizer(6);
        Assert.False(MaskedSpans.CanScore(dnabert, Encoding.ASCII.GetBytes(text), 512, 4, 1));     // too close to the start for 6 covering tokens and a left neighbour
        Assert.True(MaskedSpans.CanScore(dnabert, Encoding.ASCII.GetBytes(text), 512, 20, 1));
        Assert.False(MaskedSpans.CanScore(dnabert, Encoding.ASCII.GetBytes(text), 20, 20, 1));     // cut off by the model's 20 tokens
    }

    [Fact]
    public void Fine_tuning_starts_from_the_pre_trained_encoder()
    {
        var device = TestTorch.Cpu;
        using var lm = DnaLanguageModel.Create(Tiny(DnaMethod.Dnabert), seed: 3, device);
        using var classifier = DnaClassifier.FromPretrained(lm, ["a", "b"], seed: 4, device);
        var sequences = new[] { Bases("ACGTACGTTTGACCA"), Bases("GGGCCCATATATGCA") };
        Assert.Equal(lm.Embed(sequences).Mean.Cast<float>(), classifier.Embed(sequences).Mean.Cast<float>());
        var probabilities = classifier.Predict(sequences);
        Assert.All(Enumerable.Range(0, 2), i => Assert.Equal(1f, probabilities[i, 0] + probabilities[i, 1], 5));
    }

    [Fact]
    [Trait(Category.Name, Category.Slow)]
    public void Pre_training_learns_a_chain_that_the_uniform_code_cannot_compress()
    {
        // Records from an order-2 chain (next base mostly fixed by the two before it): a masked model that uses its
        // context must get well below 2 bits per hidden base, toward what the chain's own conditional gives.
        var rng = new Rng(12);
        var table = Enumerable.Range(0, 16).Select(_ => rng.NextInt(4)).ToArray();
        SequenceRecord Record(int id)
        {
            var text = new StringBuilder("AC");
            for (var i = 2; i < 300; i++) text.Append("ACGT"[rng.NextDouble() < 0.8 ? table["ACGT".IndexOf(text[i - 2]) * 4 + "ACGT".IndexOf(text[i - 1])] : rng.NextInt(4)]);
            return SequenceRecord.FromText($"r{id}", text.ToString());
        }
        var train = Enumerable.Range(0, 200).Select(Record).ToArray();
        var heldOut = Enumerable.Range(0, 8).Select(i => (ReadOnlyMemory<byte>)Record(1000 + i).Bases).ToArray();
        var device = TestTorch.Cpu;
        using var model = DnaLanguageModel.Create(Tiny(DnaMethod.Dnabert, k: 3, layers: 2, hidden: 32, maxTokens: 128), seed: 5, device);
        var spans = MaskedSpans.Choose(model.Tokenizer, heldOut, model.MaxTokens, 0.2, Rng.For(1, "spans"));
        var before = DnaLanguageModel.BitsPerNucleotide(model.ScoreSpans(heldOut, spans));
        model.Fit(train, 120, null, new TrainingRun(DnaLanguageModel.DefaultTraining(250, seed: 1, learningRate: 3e-3)));
        var after = DnaLanguageModel.BitsPerNucleotide(model.ScoreSpans(heldOut, spans));
        // The generating chain's own conditional of each hidden base given the two bases on either side.
        double P(char a, char b, char next) => (next == "ACGT"[table["ACGT".IndexOf(a) * 4 + "ACGT".IndexOf(b)]] ? 0.8 : 0) + 0.05;
        var chain = spans.Average(s =>
        {
            var x = Encoding.ASCII.GetString(heldOut[s.Sequence].Span);
            var j = s.Start;
            double Joint(char b) => P(x[j - 2], x[j - 1], b) * P(x[j - 1], b, x[j + 1]) * P(b, x[j + 1], x[j + 2]);
            return -Math.Log2(Joint(x[j]) / "ACGT".Sum(Joint));
        });
        output.WriteLine($"bits per hidden base: {before:F3} before, {after:F3} after 250 steps; the order-2 chain given both sides: {chain:F3}");
        Assert.InRange(before, 1.9, 2.1);
        Assert.True(after < chain + 0.25, $"{after:F3} bits after training, the chain's conditional {chain:F3}");
    }
}
