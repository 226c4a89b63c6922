using LabelFree.Core.Errors;
using LabelFree.Core.Randomness;
using LabelFree.Data.Signals;

namespace LabelFree.Data.Tests.Signals;

public class SyntheticAnomaliesTests
{
    private static readonly Signal Clean = new("sine", ["x", "y"],
        [.. Enumerable.Range(0, 2).Select(c => Enumerable.Range(0, 6000).Select(t => (float)Math.Sin(2 * Math.PI * t / (50.0 + 10 * c))).ToArray())], 100);

    [Fact]
    public void The_same_seed_gives_the_same_anomalies_and_another_seed_others()
    {
        var options = new InjectionOptions { Count = 12, Scale = 60 };
        var a = SyntheticAnomalies.Inject(Clean, options, new Rng(4));
        var b = SyntheticAnomalies.Inject(Clean, options, new Rng(4));
        var c = SyntheticAnomalies.Inject(Clean, options, new Rng(5));
        Assert.Equal(a.Anomalies, b.Anomalies);
        Assert.Equal(a.Signal.Values, b.Signal.Values);
        Assert.NotEqual(a.Anomalies, c.Anomalies);
    }

    [Fact]
    public void Every_kind_is_injected_apart_and_changes_only_labelled_samples_of_its_channel()
    {
        var options = new InjectionOptions { Count = 12, Scale = 60 };
        var injected = SyntheticAnomalies.Inject(Clean, options, new Rng(1));

        Assert.Equal(12, injected.Anomalies.Count);
        Assert.Equal(Enum.GetNames<AnomalyKind>().Order(), injected.Anomalies.Select(a => a.Kind!).Distinct().Order());
        foreach (var (first, next) in injected.Anomalies.Zip(injected.Anomalies.Skip(1))) Assert.True(next.Start - first.End >= options.Scale, $"{first} and {next} too close");
        Assert.Equal(injected.Anomalies.Sum(a => a.Length), injected.Labels.Count(l => l));
        for (var c = 0; c < 2; c++)
        {
            var channel = Clean.Channels[c];
            for (var t = 0; t < Clean.Length; t++)
            {
                if (injected.Signal.Values[c][t] == Clean.Values[c][t]) continue;
                Assert.Contains(injected.Anomalies, a => a.Channel == channel && a.Start <= t && t < a.End);
            }
        }
        // Every anomaly changes its stretch (a frequency change or widened beat of a sine moves most samples).
        foreach (var a in injected.Anomalies)
        {
            var c = Clean.Channels.ToList().IndexOf(a.Channel!);
            var changed = Enumerable.Range(a.Start, a.Length).Count(t => Math.Abs(injected.Signal.Values[c][t] - Clean.Values[c][t]) > 1e-3);
            Assert.True(changed >= Math.Min(1, a.Length / 2), $"{a}: {changed} samples changed");
        }
    }

    [Fact]
    public void A_global_spike_leaves_the_channel_range_and_too_many_anomalies_are_named()
    {
        var spike = SyntheticAnomalies.Inject(Clean, new InjectionOptions { Count = 3, Kinds = [AnomalyKind.GlobalSpike] }, new Rng(2));
        foreach (var a in spike.Anomalies)
        {
            var c = Clean.Channels.ToList().IndexOf(a.Channel!);
            Assert.All(Enumerable.Range(a.Start, a.Length), t => Assert.True(Math.Abs(spike.Signal.Values[c][t]) > 1.4f));
        }
        var error = Assert.Throws<SettingException>(() => SyntheticAnomalies.Inject(Clean, new InjectionOptions { Count = 200, Scale = 100 }, new Rng(2)));
        Assert.Equal("count", error.Setting);
    }
}
