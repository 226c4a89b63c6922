using LabelFree.Learning.Objectives;
using LabelFree.TestKit;
using static TorchSharp.torch;

namespace LabelFree.Learning.Tests.Objectives;

public class GaussianKlTests
{
    [Fact]
    public void Kl_is_zero_for_the_standard_normal_and_matches_the_closed_form_otherwise()
    {
        _ = TestTorch.Cpu;
        using var scope = NewDisposeScope();
        Assert.Equal(0f, GaussianKl.FromLogStd(zeros(2, 4), zeros(2, 4)).abs().max().item<float>(), 6);
        // KL(N(1, 1) || N(0, 1)) = 0.5 per dimension.
        Assert.Equal(0.5f, GaussianKl.FromLogStd(ones(2, 4), zeros(2, 4)).mean().item<float>(), 6);
        // KL(N(0.3, 2) || N(0, 1)) = 0.5 (2 + 0.09 - 1 - ln 2).
        var variance = full(3, 2.0f);
        Assert.Equal(0.5 * (2 + 0.09 - 1 - Math.Log(2)), GaussianKl.ToStandardNormal(full(3, 0.3f), variance, variance.log()).mean().item<float>(), 5);
    }

    [Fact]
    public void Both_parameterisations_agree()
    {
        _ = TestTorch.Cpu;
        using var scope = NewDisposeScope();
        var mean = randn(5, 3);
        var logStd = randn(5, 3) * 0.5;
        var fromVariance = GaussianKl.ToStandardNormal(mean, (2 * logStd).exp(), 2 * logStd);
        Assert.True(GaussianKl.FromLogStd(mean, logStd).allclose(fromVariance, rtol: 1e-5, atol: 1e-6));
    }
}
