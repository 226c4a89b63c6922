using LabelFree.Learning.Nn;
using LabelFree.Learning.Objectives;
using LabelFree.TestKit;
using static TorchSharp.torch;

namespace LabelFree.Learning.Tests.Methods;

public class AnomalyTransformerTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Anomaly_attention_gives_row_stochastic_series_and_a_prior_peaked_on_each_point(bool causal)
    {
        _ = TestTorch.Cpu;
        using var scope = NewDisposeScope();
        manual_seed(1);
        using var attention = new AnomalyAttention(hidden: 16, heads: 2, dropout: 0, causal);
        var output = attention.Forward(randn(3, 12, 16, generator: new Generator(2)));

        Assert.Equal([3L, 12, 16], output.Output.shape);
        Assert.Equal([3L, 2, 12, 12], output.Series.shape);
        Assert.True(output.Series.sum(-1).allclose(ones(3, 2, 12), atol: 1e-5));
        Assert.True(output.Prior.sum(-1).allclose(ones(3, 2, 12), atol: 1e-5));
        Assert.True(output.Prior.argmax(-1).equal(arange(12).expand(3, 2, 12)).all().item<bool>());
        // The prior falls off symmetrically: |i - j| alone decides it within a row.
        Assert.True(output.Prior[.., .., 5, 3].allclose(output.Prior[.., .., 5, 7], atol: 1e-6));
        var above = output.Series.triu(1).abs().max().item<float>();
        if (causal) Assert.Equal(0, above);
        else Assert.True(above > 0);
    }

    [Fact]
    public void The_minimax_phases_reach_only_their_own_association()
    {
        _ = TestTorch.Cpu;
        using var scope = NewDisposeScope();
        var seriesLogits = randn(2, 2, 6, 6, generator: new Generator(3)).requires_grad_();
        var priorLogits = randn(2, 2, 6, 6, generator: new Generator(4)).requires_grad_();
        Tensor[] Associations() => [nn.functional.softmax(seriesLogits, -1), nn.functional.softmax(priorLogits, -1)];

        var (s, p) = (Associations()[0], Associations()[1]);
        var (seriesPhase, priorPhase) = AssociationDiscrepancy.Minimax([s], [p]);
        Assert.Equal(seriesPhase.item<float>(), priorPhase.item<float>(), 5);   // the same number, differently detached
        seriesPhase.backward();
        Assert.True(seriesLogits.grad!.abs().sum().item<float>() > 0);
        Assert.True(priorLogits.grad is null || priorLogits.grad.abs().sum().item<float>() == 0);

        seriesLogits.grad!.zero_();
        (s, p) = (Associations()[0], Associations()[1]);
        AssociationDiscrepancy.Minimax([s], [p]).PriorPhase.backward();
        Assert.Equal(0, seriesLogits.grad!.abs().sum().item<float>());
        Assert.True(priorLogits.grad!.abs().sum().item<float>() > 0);

        // Equal associations have no discrepancy.
        Assert.Equal(0, AssociationDiscrepancy.PerPoint([s.detach()], [s.detach()], 50).abs().max().item<float>(), 5);
    }
}
