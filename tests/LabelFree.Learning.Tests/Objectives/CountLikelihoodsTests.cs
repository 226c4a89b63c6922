using System.Globalization;
using LabelFree.Learning.Objectives;
using LabelFree.TestKit;
using static TorchSharp.torch;

namespace LabelFree.Learning.Tests.Objectives;

public class CountLikelihoodsTests
{
    /// <summary>NB pmf by its recurrence P(0) = (theta / (theta + mu))^theta, P(k+1) = P(k) (k + theta) / (k + 1) * mu / (theta + mu), in double.</summary>
    private static double NbPmf(int x, double mu, double theta)
    {
        var p = Math.Pow(theta / (theta + mu), theta);
        for (var k = 0; k < x; k++) p *= (k + theta) / (k + 1) * mu / (theta + mu);
        return p;
    }

    [Theory]
    [InlineData(2.5, 0.7, -1.2)]
    [InlineData(0.05, 12.0, 0.0)]
    [InlineData(30.0, 3.0, 2.0)]
    public void Nb_and_zinb_match_the_pmf_by_recurrence(double mu, double theta, double pi)
    {
        _ = TestTorch.Cpu;
        using var scope = NewDisposeScope();
        var xs = Enumerable.Range(0, 40).ToArray();
        var x = tensor(xs.Select(v => (double)v).ToArray());
        var nb = CountLikelihoods.NegativeBinomial(x, full(40, mu, float64), full(40, theta, float64)).data<double>().ToArray();
        var zinb = CountLikelihoods.ZeroInflatedNegativeBinomial(x, full(40, mu, float64), full(40, theta, float64), full(40, pi, float64)).data<double>().ToArray();
        var dropout = 1 / (1 + Math.Exp(-pi));
        foreach (var k in xs)
        {
            var p = NbPmf(k, mu, theta);
            var tolerance = 1e-6 + k * 1e-8 / mu;  // eps = 1e-8 inside log(mu + eps), as in scvi-tools
            Assert.Equal(Math.Log(p), nb[k], tolerance);
            Assert.Equal(Math.Log((k == 0 ? dropout : 0) + (1 - dropout) * p), zinb[k], tolerance);
        }
    }

    [Fact]
    public void Zinb_stays_finite_with_extreme_logits_and_means()
    {
        _ = TestTorch.Cpu;
        using var scope = NewDisposeScope();
        var x = tensor(new float[] { 0, 0, 5, 5000, 0 });
        var mu = tensor(new float[] { 1e-6f, 1e4f, 1e-6f, 3000f, 50f });
        var theta = tensor(new float[] { 1e-3f, 1e3f, 0.5f, 2f, 1e4f });
        var pi = tensor(new float[] { 80f, -80f, -80f, 80f, 0f });
        var values = CountLikelihoods.ZeroInflatedNegativeBinomial(x, mu, theta, pi).data<float>().ToArray();
        Assert.All(values, v => Assert.True(float.IsFinite(v) && v <= 1e-4, $"{v}"));
    }

    [Fact]
    [Trait(Category.Name, Category.Slow)]
    public void Nb_and_zinb_match_scipy_on_large_counts()
    {
        _ = TestTorch.Cpu;
        using var scope = NewDisposeScope();
        double[] xs = [0, 1, 7, 120, 4000, 0, 3, 0];
        double[] mus = [0.01, 3, 7, 100, 3500, 800, 0.2, 1e-5];
        double[] thetas = [0.3, 10, 0.05, 2.5, 30, 0.8, 1000, 5];
        double[] pis = [-3, 0.5, 2, -8, 1, 4, -1, 6];
        var script = """
            import sys, numpy as np
            from scipy.stats import nbinom
            x, mu, th, pi = (np.array([float(v) for v in a.split(",")]) for a in sys.argv[1:5])
            nb = nbinom.logpmf(x, th, th / (th + mu))
            drop = 1 / (1 + np.exp(-pi))
            zinb = np.log(np.where(x == 0, drop, 0) + (1 - drop) * np.exp(nb))
            print(",".join(repr(float(v)) for v in nb)); print(",".join(repr(float(v)) for v in zinb))
            """;
        var lines = DebianPython.Run("python3-scipy", script, [.. new[] { xs, mus, thetas, pis }.Select(a => string.Join(",", a.Select(v => v.ToString("R", CultureInfo.InvariantCulture))))]);
        var nb = CountLikelihoods.NegativeBinomial(tensor(xs), tensor(mus), tensor(thetas)).data<double>().ToArray();
        var zinb = CountLikelihoods.ZeroInflatedNegativeBinomial(tensor(xs), tensor(mus), tensor(thetas), tensor(pis)).data<double>().ToArray();
        var expectedNb = lines[0].Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        var expectedZinb = lines[1].Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        for (var i = 0; i < xs.Length; i++)
        {
            // eps = 1e-8 inside the logarithms (as scvi-tools) shifts values by about eps / mu.
            Assert.Equal(expectedNb[i], nb[i], Math.Max(1e-5, 1e-6 * Math.Abs(expectedNb[i])) + 1e-8 / mus[i] * xs[i]);
            Assert.Equal(expectedZinb[i], zinb[i], Math.Max(1e-5, 1e-6 * Math.Abs(expectedZinb[i])) + 1e-8 / mus[i] * xs[i]);
        }
    }
}
