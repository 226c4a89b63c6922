using System.Text.Json;
using LabelFree.Core.Errors;
using LabelFree.Core.IO;
using LabelFree.Learning.Nn;
using LabelFree.TestKit;
using TorchSharp;
using static TorchSharp.torch;

namespace LabelFree.Learning.Tests.Nn;

/// <summary>Shapes, masking, attention paths and memory of the general transformer encoder, on tiny models.</summary>
public class TransformerEncoderTests
{
    private static TransformerConfig Tiny(NormPlacement norm = NormPlacement.Pre, FeedForwardKind feedForward = FeedForwardKind.Gelu,
        PositionEncoding positions = PositionEncoding.Learned) => new()
        {
            VocabularySize = 20,
            Layers = 2,
            Hidden = 16,
            Heads = 2,
            Intermediate = 32,
            MaxPositions = 16,
            Norm = norm,
            FeedForward = feedForward,
            Positions = positions,
            EmbeddingLayerNorm = norm == NormPlacement.Post,
            PaddingId = 0,
        };

    private static Tensor Ids(int batch, int length, long seed)
    {
        var generator = new Generator((ulong)seed);
        return randint(1, 20, [batch, length], generator: generator, dtype: int64);
    }

    public static TheoryData<NormPlacement, FeedForwardKind, PositionEncoding> Variants()
    {
        var data = new TheoryData<NormPlacement, FeedForwardKind, PositionEncoding>();
        foreach (var norm in Enum.GetValues<NormPlacement>())
            foreach (var feedForward in Enum.GetValues<FeedForwardKind>())
                foreach (var positions in Enum.GetValues<PositionEncoding>())
                    data.Add(norm, feedForward, positions);
        return data;
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void Every_variant_gives_hidden_states_and_attention_of_the_right_shapes(NormPlacement norm, FeedForwardKind feedForward, PositionEncoding positions)
    {
        _ = TestTorch.Cpu;
        using var scope = NewDisposeScope();
        manual_seed(1);
        using var encoder = new TransformerEncoder(Tiny(norm, feedForward, positions));
        var output = encoder.call(new TransformerInput(Ids(3, 7, 1), RecordAttention: AttentionRecording.AllLayers, RecordHiddenStates: true));
        Assert.Equal([3L, 7, 16], output.Hidden.shape);
        Assert.Equal(2, output.Attentions.Count);
        Assert.All(output.Attentions, a => Assert.Equal([3L, 2, 7, 7], a.shape));
        Assert.True(output.Attentions[1].sum(-1).allclose(ones(3, 2, 7), atol: 1e-5));
        Assert.Equal(3, output.HiddenStates.Count);
        Assert.True(output.Hidden.isfinite().all().item<bool>());
        var last = encoder.call(new TransformerInput(Ids(3, 7, 1), RecordAttention: AttentionRecording.LastLayer));
        Assert.Single(last.Attentions);
        Assert.Empty(last.HiddenStates);
    }

    [Theory]
    [InlineData(NormPlacement.Post, FeedForwardKind.Gelu, PositionEncoding.Learned)]
    [InlineData(NormPlacement.Pre, FeedForwardKind.SwiGlu, PositionEncoding.Rotary)]
    [InlineData(NormPlacement.Pre, FeedForwardKind.Gelu, PositionEncoding.Sinusoidal)]
    public void Padding_is_masked_changing_a_padded_token_changes_no_real_output(NormPlacement norm, FeedForwardKind feedForward, PositionEncoding positions)
    {
        _ = TestTorch.Cpu;
        using var scope = NewDisposeScope();
        manual_seed(2);
        using var encoder = new TransformerEncoder(Tiny(norm, feedForward, positions));
        encoder.eval();
        var ids = Ids(2, 8, 2);
        var keep = ones(2, 8, dtype: ScalarType.Bool);
        keep[0, TensorIndex.Slice(5)] = tensor(false);  // row 0: 5 real tokens, 3 padded
        var before = encoder.call(new TransformerInput(ids, keep)).Hidden;
        var changed = ids.clone();
        changed[0, 6] = tensor(13L);
        changed[0, 7] = tensor(7L);
        var after = encoder.call(new TransformerInput(changed, keep)).Hidden;
        Assert.True(before[0, TensorIndex.Slice(0, 5)].allclose(after[0, TensorIndex.Slice(0, 5)], atol: 1e-6));
        Assert.True(before[1].allclose(after[1], atol: 1e-6));
        var unmasked = encoder.call(new TransformerInput(changed)).Hidden;
        Assert.False(before[0, TensorIndex.Slice(0, 5)].allclose(unmasked[0, TensorIndex.Slice(0, 5)], atol: 1e-4));
    }

    [Theory]
    [InlineData(NormPlacement.Post, FeedForwardKind.Gelu, PositionEncoding.Learned)]
    [InlineData(NormPlacement.Pre, FeedForwardKind.SwiGlu, PositionEncoding.Rotary)]
    public void Fused_and_explicit_attention_agree(NormPlacement norm, FeedForwardKind feedForward, PositionEncoding positions)
    {
        _ = TestTorch.Cpu;
        using var scope = NewDisposeScope();
        manual_seed(3);
        using var encoder = new TransformerEncoder(Tiny(norm, feedForward, positions));
        encoder.eval();
        var keep = ones(4, 9, dtype: ScalarType.Bool);
        keep[1, TensorIndex.Slice(4)] = tensor(false);
        var fused = encoder.call(new TransformerInput(Ids(4, 9, 3), keep)).Hidden;
        var explicitPath = encoder.call(new TransformerInput(Ids(4, 9, 3), keep, RecordAttention: AttentionRecording.AllLayers));
        Assert.True(fused.allclose(explicitPath.Hidden, atol: 1e-5), $"max difference {(fused - explicitPath.Hidden).abs().max().item<float>()}");
        // No attention to padded keys.
        Assert.Equal(0f, explicitPath.Attentions[0][1, TensorIndex.Colon, TensorIndex.Colon, TensorIndex.Slice(4)].abs().max().item<float>());
    }

    [Fact]
    public void Rotary_scores_depend_only_on_the_offset_between_positions()
    {
        _ = TestTorch.Cpu;
        using var scope = NewDisposeScope();
        manual_seed(4);
        const int length = 12, size = 8;
        var q = randn(size).expand(1, 1, length, size);  // the same query vector at every position
        var k = randn(size).expand(1, 1, length, size);
        var tables = TransformerRotary.Tables(arange(length, dtype: int64), size, 10_000, ScalarType.Float32);
        var scores = TransformerRotary.Apply(q, tables).matmul(TransformerRotary.Apply(k, tables).transpose(-2, -1))[0, 0];  // (T, T)
        for (var offset = -(length - 1); offset < length; offset++)
        {
            var diagonal = scores.diagonal(offset);
            Assert.True(diagonal.allclose(diagonal[0].expand_as(diagonal), atol: 1e-4), $"offset {offset}");
        }
        Assert.False(scores.diagonal(0)[0].allclose(scores.diagonal(3)[0], atol: 1e-3));
        // Positions given per batch row shift every score equally: the result does not change.
        var shifted = TransformerRotary.Tables((arange(length, dtype: int64) + 100).unsqueeze(0), size, 10_000, ScalarType.Float32);
        var again = TransformerRotary.Apply(q, shifted).matmul(TransformerRotary.Apply(k, shifted).transpose(-2, -1))[0, 0];
        Assert.True(scores.allclose(again, atol: 1e-3));
    }

    [Fact]
    public void Sinusoids_follow_vaswani()
    {
        _ = TestTorch.Cpu;
        using var scope = NewDisposeScope();
        var table = TransformerEmbedding.Sinusoids(arange(3, dtype: int64), 6, ScalarType.Float32);  // (3, 6)
        Assert.Equal([3L, 6], table.shape);
        Assert.Equal(new float[] { 0, 1, 0, 1, 0, 1 }, table[0].data<float>().ToArray());
        Assert.Equal(MathF.Sin(2), table[2, 0].item<float>(), 5);
        Assert.Equal(MathF.Cos(2 / MathF.Pow(10_000, 2f / 6)), table[2, 3].item<float>(), 5);
    }

    [Fact]
    public void Extra_embeddings_and_input_embeddings_are_summed_in()
    {
        _ = TestTorch.Cpu;
        using var scope = NewDisposeScope();
        manual_seed(5);
        var behrt = Tiny() with { ExtraEmbeddings = [new ExtraEmbedding("age", 10), new ExtraEmbedding("segment", 2)] };
        using var encoder = new TransformerEncoder(behrt);
        encoder.eval();
        var ids = Ids(2, 5, 5);
        var age = full(2, 5, 3L);
        var hidden = encoder.call(new TransformerInput(ids, ExtraIds: [age, zeros(2, 5, dtype: int64)])).Hidden;
        var otherSegment = encoder.call(new TransformerInput(ids, ExtraIds: [age, ones(2, 5, dtype: int64)])).Hidden;
        Assert.Equal([2L, 5, 16], hidden.shape);
        Assert.False(hidden.allclose(otherSegment));
        Assert.Throws<ArgumentException>(() => encoder.call(new TransformerInput(ids)));

        using var patches = new TransformerEncoder(Tiny(positions: PositionEncoding.Sinusoidal) with { VocabularySize = 0, PaddingId = null });
        Assert.Null(patches.TokenEmbedding);
        Assert.Equal([2L, 9, 16], patches.call(new TransformerInput(InputEmbeddings: randn(2, 9, 16))).Hidden.shape);
    }

    [Fact]
    public void Bad_configs_and_too_long_inputs_name_the_field()
    {
        Assert.Contains("transformer hidden/heads", Assert.Throws<UserInputException>(() => (Tiny() with { Heads = 3 }).Validate()).Message);
        Assert.Contains("rotary needs an even head size", Assert.Throws<UserInputException>(() => (Tiny(positions: PositionEncoding.Rotary) with { Hidden = 6, Heads = 2 }).Validate()).Message);
        Assert.Contains("transformer dropout", Assert.Throws<UserInputException>(() => (Tiny() with { Dropout = 1 }).Validate()).Message);
        _ = TestTorch.Cpu;
        using var scope = NewDisposeScope();
        using var encoder = new TransformerEncoder(Tiny());
        Assert.Contains("17 tokens, but the model has 16 positions", Assert.Throws<UserInputException>(() => encoder.call(new TransformerInput(Ids(1, 17, 1)))).Message);
    }

    [Fact]
    public void Presets_are_the_published_sizes()
    {
        var dnabert = TransformerConfig.DnabertBase();
        Assert.Equal((12, 768, 12, 3072, 512, 4101), (dnabert.Layers, dnabert.Hidden, dnabert.Heads, dnabert.Intermediate, dnabert.MaxPositions, dnabert.VocabularySize));
        Assert.Equal((NormPlacement.Post, FeedForwardKind.Gelu, PositionEncoding.Learned, true), (dnabert.Norm, dnabert.FeedForward, dnabert.Positions, dnabert.EmbeddingLayerNorm));
        var nt = TransformerConfig.NucleotideTransformerV2_50M();
        Assert.Equal((12, 512, 16, 2048, 4107), (nt.Layers, nt.Hidden, nt.Heads, nt.Intermediate, nt.VocabularySize));
        Assert.Equal((NormPlacement.Pre, FeedForwardKind.SwiGlu, PositionEncoding.Rotary, false, 0.0), (nt.Norm, nt.FeedForward, nt.Positions, nt.FeedForwardBias, nt.Dropout));
        var small = TransformerConfig.Small(4101, paddingId: 0);
        Assert.Equal((4, 128, 4, 512), (small.Layers, small.Hidden, small.Heads, small.Intermediate));
        Assert.Equal(small, small with { ExtraEmbeddings = [] });
        var behrt = small with { ExtraEmbeddings = [new ExtraEmbedding("age", 120), new ExtraEmbedding("segment", 2)] };
        foreach (var config in new[] { dnabert, nt, behrt })
        {
            var json = Json.Serialize(config);
            Assert.DoesNotContain("head_size", json);
            Assert.Equal(config, JsonSerializer.Deserialize<TransformerConfig>(json, Json.Options));
        }
    }

    [Fact]
    [Trait(Category.Name, Category.Slow)]
    public void Preset_parameter_counts_match_the_references()
    {
        _ = TestTorch.Cpu;
        // NT v2 50M: 55,904,972 in the Hugging Face checkpoint, which also holds an unused 2,050 x 512 position table
        // (1,049,600) and a contact head (193) and the LM head (2,370,571); the encoder alone is 52,484,608.
        using (var nt = new TransformerEncoder(TransformerConfig.NucleotideTransformerV2_50M()))
            Assert.Equal(52_484_608L, nt.parameters().Sum(p => p.numel()));
        // DNABERT (BERT-base with a 4,101-token vocabulary), without the token-type table and pooler: 88,598,784.
        using (var dnabert = new TransformerEncoder(TransformerConfig.DnabertBase()))
            Assert.Equal(88_598_784L, dnabert.parameters().Sum(p => p.numel()));
    }

    [Fact]
    public void Training_steps_leak_no_tensors()
    {
        _ = TestTorch.Cpu;
        manual_seed(6);
        using var encoder = new TransformerEncoder(Tiny(positions: PositionEncoding.Rotary));
        using var head = new MaskedLanguageModelHead(16, 20, 1e-5, encoder.TokenEmbedding);
        using var ids = Ids(2, 6, 6);
        using var keep = ones(2, 6, dtype: ScalarType.Bool);
        void Step()
        {
            using var scope = NewDisposeScope();
            var output = encoder.call(new TransformerInput(ids, keep, RecordAttention: AttentionRecording.LastLayer));
            head.call(output.Hidden).logsumexp(-1).mean().backward();
        }
        Step();
        var before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        Step();
        Step();
        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }
}
