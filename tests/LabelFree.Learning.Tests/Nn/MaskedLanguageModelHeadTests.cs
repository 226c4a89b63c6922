using LabelFree.Core.Randomness;
using LabelFree.Learning.Nn;
using LabelFree.Learning.Objectives;
using LabelFree.TestKit;
using static TorchSharp.torch;

namespace LabelFree.Learning.Tests.Nn;

public class MaskedLanguageModelHeadTests
{
    private static readonly TransformerConfig Config = new()
    {
        VocabularySize = 12, Layers = 2, Hidden = 32, Heads = 4, Intermediate = 64, MaxPositions = 16, Dropout = 0, AttentionDropout = 0, PaddingId = 0,
    };

    /// <summary>An encoder and its head as one network, as a method would hold them.</summary>
    private sealed class Network : nn.Module<Tensor, Tensor>
    {
        private readonly TransformerEncoder _encoder;
        private readonly MaskedLanguageModelHead _head;

        public Network(bool tied) : base(nameof(Network))
        {
            _encoder = new TransformerEncoder(Config);
            _head = new MaskedLanguageModelHead(Config.Hidden, Config.VocabularySize, Config.LayerNormEps, tied ? _encoder.TokenEmbedding : null);
            RegisterComponents();
        }

        public Tensor Embedding => _encoder.TokenEmbedding!.weight!;

        public override Tensor forward(Tensor ids) => _head.call(_encoder.call(new TransformerInput(ids)).Hidden);
    }

    [Fact]
    public void A_tied_decoder_shares_the_token_table_and_is_listed_once()
    {
        _ = TestTorch.Cpu;
        using var scope = NewDisposeScope();
        manual_seed(1);
        using var tied = new Network(tied: true);
        using var untied = new Network(tied: false);
        Assert.Equal(12L * 32, untied.parameters().Sum(p => p.numel()) - tied.parameters().Sum(p => p.numel()));
        Assert.Equal(tied.parameters().Count(), tied.parameters().Distinct().Count());
        var ids = randint(1, 12, [2, 5], dtype: int64);
        var logits = tied.call(ids);
        Assert.Equal([2L, 5, 12], logits.shape);
        logits.sum().backward();
        Assert.True(tied.Embedding.grad!.abs().sum().item<float>() > 0);
    }

    [Fact]
    public void The_loss_on_predicted_tokens_only_equals_the_loss_on_all_logits()
    {
        _ = TestTorch.Cpu;
        using var scope = NewDisposeScope();
        manual_seed(4);
        using var head = new MaskedLanguageModelHead(8, 12, 1e-5);
        var hidden = randn(3, 5, 8);
        var labels = full(3, 5, TokenMasking.Ignore);
        labels[0, 1] = tensor(4L);
        labels[2, 4] = tensor(7L);
        var (chosen, chosenLabels) = MaskedLanguageModelLoss.Predicted(hidden, labels);
        Assert.Equal([2L, 8], chosen.shape);
        Assert.Equal(new long[] { 4, 7 }, chosenLabels.data<long>().ToArray());
        var all = MaskedLanguageModelLoss.CrossEntropy(head.call(hidden), labels).item<float>();
        Assert.Equal(all, MaskedLanguageModelLoss.CrossEntropy(head.call(chosen), chosenLabels).item<float>(), 5);
    }

    [Fact]
    public void A_tiny_encoder_and_head_overfit_a_fixed_masked_batch()
    {
        _ = TestTorch.Cpu;
        manual_seed(2);
        using var network = new Network(tied: true);
        var options = new TokenMaskingOptions { MaskId = 1, VocabularySize = 12, SpecialIds = [0, 1], Probability = 0.3 };
        var rng = new Rng(3);
        var ids = Enumerable.Range(0, 4 * 16).Select(_ => (long)rng.NextInt(2, 12)).ToArray();
        var masked = TokenMasking.Bert(ids, options, Rng.For(3, "mlm-mask"));
        using var inputs = tensor(masked.Inputs, [4, 16]);
        using var labels = tensor(masked.Labels, [4, 16]);
        using var optimizer = optim.Adam(network.parameters(), lr: 1e-2);
        var losses = new List<float>();
        for (var step = 0; step < 25; step++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var loss = MaskedLanguageModelLoss.CrossEntropy(network.call(inputs), labels);
            loss.backward();
            optimizer.step();
            losses.Add(loss.item<float>());
        }
        Assert.True(losses[^1] < 0.2 * losses[0], $"loss {losses[0]:F3} -> {losses[^1]:F3}");
        using (NewDisposeScope())
            Assert.True(MaskedLanguageModelLoss.Accuracy(network.call(inputs), labels) > 0.9);
    }
}
