using LabelFree.Core.Randomness;
using LabelFree.Data.Sequences.Tokenizers;
using LabelFree.Learning.Objectives;
using LabelFree.TestKit;
using static TorchSharp.torch;

namespace LabelFree.Learning.Tests.Objectives;

public class TokenMaskingTests
{
    /// <summary>64 rows of DNABERT 6-mer ids of random DNA with some N, padded to 120 tokens (rows of 60 to 118 real tokens).</summary>
    private static (EncodedBatch Batch, KmerTokenizer Tokenizer) Batch()
    {
        var tokenizer = new KmerTokenizer(6);
        var rng = new Rng(11);
        var sequences = Enumerable.Range(0, 64).Select(_ =>
            new string(Enumerable.Range(0, rng.NextInt(65, 124)).Select(_ => "ACGTACGTACGTACGTN"[rng.NextInt(17)]).ToArray())).ToArray();
        return (tokenizer.Encode(sequences, maxLength: 120, padToMaxLength: true), tokenizer);
    }

    [Fact]
    public void Bert_masking_picks_fifteen_percent_of_ordinary_tokens_and_replaces_80_10_10()
    {
        var (batch, tokenizer) = Batch();
        var options = TokenMaskingOptions.For(tokenizer);
        var masked = TokenMasking.Bert(batch.Ids, options, Rng.For(1, "mlm-mask"));
        var special = tokenizer.Specials.All.Select(i => (long)i).ToHashSet();
        var eligible = Enumerable.Range(0, batch.Ids.Length).Where(i => !special.Contains(batch.Ids[i])).ToArray();
        var chosen = eligible.Where(i => masked.Labels[i] != TokenMasking.Ignore).ToArray();
        Assert.InRange(chosen.Length / (double)eligible.Length, 0.135, 0.165);
        for (var i = 0; i < batch.Ids.Length; i++)
        {
            if (masked.Labels[i] == TokenMasking.Ignore) Assert.Equal(batch.Ids[i], masked.Inputs[i]);
            else Assert.Equal(batch.Ids[i], masked.Labels[i]);
            if (special.Contains(batch.Ids[i])) Assert.Equal(TokenMasking.Ignore, masked.Labels[i]);
        }
        var toMask = chosen.Count(i => masked.Inputs[i] == KmerTokenizer.Mask) / (double)chosen.Length;
        var kept = chosen.Count(i => masked.Inputs[i] == batch.Ids[i]) / (double)chosen.Length;
        Assert.InRange(toMask, 0.76, 0.84);
        Assert.InRange(kept, 0.07, 0.13);  // 10% kept, plus random draws that hit the same token (1 in 4,096)
        Assert.All(chosen, i => Assert.DoesNotContain(masked.Inputs[i], special.Except([(long)KmerTokenizer.Mask])));
        Assert.Equal(masked.Inputs, TokenMasking.Bert(batch.Ids, options, Rng.For(1, "mlm-mask")).Inputs);
        Assert.NotEqual(masked.Inputs, TokenMasking.Bert(batch.Ids, options, Rng.For(1, "mlm-mask", 1)).Inputs);
    }

    [Fact]
    public void Dnabert_spans_widen_centres_to_k_tokens_for_about_fifteen_percent()
    {
        var (batch, tokenizer) = Batch();
        var options = TokenMaskingOptions.For(tokenizer, probability: 0.025);
        var masked = TokenMasking.KmerSpans(batch.Ids, batch.Length, k: 6, options, Rng.For(2, "mlm-mask"));
        var special = tokenizer.Specials.All.Select(i => (long)i).ToHashSet();
        var eligible = batch.Ids.Count(id => !special.Contains(id));
        var chosen = masked.Labels.Count(l => l != TokenMasking.Ignore);
        Assert.InRange(chosen / (double)eligible, 0.11, 0.16);  // 1 - 0.975^6 = 14.1% away from the row ends
        Assert.All(Enumerable.Range(0, batch.Ids.Length).Where(i => special.Contains(batch.Ids[i])), i => Assert.Equal(TokenMasking.Ignore, masked.Labels[i]));
        // Every run of chosen tokens that touches neither a special token nor a row end is at least k long.
        for (var row = 0; row < batch.Count; row++)
        {
            var labels = masked.Labels.AsSpan(row * batch.Length, batch.Length);
            var ids = batch.Row(row);
            for (var start = 0; start < labels.Length;)
            {
                if (labels[start] == TokenMasking.Ignore) { start++; continue; }
                var end = start;
                while (end < labels.Length && labels[end] != TokenMasking.Ignore) end++;
                var inside = start > 0 && end < labels.Length && !special.Contains(ids[start - 1]) && !special.Contains(ids[end]);
                if (inside) Assert.True(end - start >= 6, $"row {row}: run of {end - start} at {start}");
                start = end;
            }
        }
    }

    [Fact]
    public void Tensor_overloads_agree_with_the_arrays()
    {
        _ = TestTorch.Cpu;
        using var scope = NewDisposeScope();
        var (batch, tokenizer) = Batch();
        var options = TokenMaskingOptions.For(tokenizer, probability: 0.025);
        var ids = tensor(batch.Ids, [batch.Count, batch.Length]);
        var (inputs, labels) = TokenMasking.KmerSpans(ids, 6, options, Rng.For(3, "mlm-mask"));
        var arrays = TokenMasking.KmerSpans(batch.Ids, batch.Length, 6, options, Rng.For(3, "mlm-mask"));
        Assert.Equal(arrays.Inputs, inputs.data<long>().ToArray());
        Assert.Equal(arrays.Labels, labels.data<long>().ToArray());
        Assert.Equal([(long)batch.Count, batch.Length], labels.shape);
        var (bertInputs, _) = TokenMasking.Bert(ids, options with { Probability = 0.15 }, Rng.For(3, "mlm-mask"));
        Assert.Equal(TokenMasking.Bert(batch.Ids, options with { Probability = 0.15 }, Rng.For(3, "mlm-mask")).Inputs, bertInputs.data<long>().ToArray());
    }
}
