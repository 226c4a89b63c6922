using System.Globalization;
using LabelFree.Analysis.Survival;
using LabelFree.TestKit;

namespace LabelFree.Analysis.Tests.Survival;

public class SurvivalTests
{
    // R survival's aml data (acute myelogenous leukaemia, maintained chemotherapy or not): weeks, 1 = relapse.
    private static readonly (double Time, bool Event, int Group)[] Aml =
    [
        (9, true, 0), (13, true, 0), (13, false, 0), (18, true, 0), (23, true, 0), (28, false, 0), (31, true, 0), (34, true, 0), (45, false, 0), (48, true, 0), (161, false, 0),
        (5, true, 1), (5, true, 1), (8, true, 1), (8, true, 1), (12, true, 1), (16, false, 1), (23, true, 1), (27, true, 1), (30, true, 1), (33, true, 1), (43, true, 1), (45, true, 1),
    ];

    [Fact]
    public void Kaplan_meier_matches_r_survfit_on_aml()
    {
        var maintained = Aml.Where(a => a.Group == 0).ToArray();
        var curve = KaplanMeier.Fit(maintained.Select(a => a.Time).ToArray(), maintained.Select(a => a.Event).ToArray());
        // survfit(Surv(time, status) ~ 1, aml[aml$x == "Maintained", ]): 0.909 0.818 0.716 0.614 0.491 0.368 0.184
        Assert.Equal([9.0, 13, 18, 23, 31, 34, 48], curve.Times);
        Assert.Equal([0.909, 0.818, 0.716, 0.614, 0.491, 0.368, 0.184], curve.Survival.Select(s => Math.Round(s, 3)));
        Assert.Equal([11, 10, 8, 7, 5, 4, 2], curve.AtRisk);
        Assert.Equal((11, 7), (curve.Subjects, curve.Events));
        Assert.Equal(1, curve.At(8.9));
        Assert.Equal(0.716, Math.Round(curve.At(20), 3));
    }

    [Fact]
    public void Log_rank_matches_r_survdiff_on_aml()
    {
        var test = LogRank.Test(Aml.Select(a => a.Time).ToArray(), Aml.Select(a => a.Event).ToArray(), Aml.Select(a => a.Group).ToArray());
        // survdiff(Surv(time, status) ~ x, aml): observed 7 and 11, expected 10.69 and 7.31, Chisq = 3.4 on 1 df, p = 0.07
        Assert.Equal([7.0, 11], test.Observed);
        Assert.Equal([10.69, 7.31], test.Expected.Select(e => Math.Round(e, 2)));
        Assert.Equal(1, test.DegreesOfFreedom);
        Assert.Equal(3.40, Math.Round(test.ChiSquare, 2));
        Assert.Equal(0.065, Math.Round(test.P, 3));
    }

    [Fact]
    public void Log_rank_with_three_groups_sums_to_the_events_and_finds_a_real_difference()
    {
        var rng = new Core.Randomness.Rng(5);
        var (time, events, group) = (new List<double>(), new List<bool>(), new List<int>());
        for (var i = 0; i < 600; i++)
        {
            var g = i % 3;
            var hazard = g == 2 ? 0.3 : 0.1;
            var t = -Math.Log(1 - rng.NextDouble()) / hazard;
            var censor = rng.Uniform(0, 20);
            time.Add(Math.Min(t, censor));
            events.Add(t <= censor);
            group.Add(g);
        }
        var test = LogRank.Test(time.ToArray(), events.ToArray(), group.ToArray());
        Assert.Equal(2, test.DegreesOfFreedom);
        Assert.Equal(events.Count(e => e), test.Observed.Sum());
        Assert.Equal(test.Observed.Sum(), test.Expected.Sum(), 6);
        Assert.True(test.P < 1e-6, $"P = {test.P}");
        var same = LogRank.Test(time.ToArray(), events.ToArray(), group.Select(g => g == 2 ? 0 : g).ToArray());
        Assert.True(same.P > test.P);
    }

    [Fact]
    public void Chi_square_upper_tail_matches_scipy()
    {
        (double X, int Df)[] cases = [(0.5, 1), (3.4, 1), (10, 1), (30, 1), (2, 3), (7.8, 3), (40, 5), (1, 10), (25, 10), (150, 19)];
        var expected = DebianPython.Run("python3-scipy", "import sys\nfrom scipy.stats import chi2\nfor a in sys.argv[1:]:\n  x, df = a.split(':')\n  print(repr(chi2.sf(float(x), int(df))))",
            cases.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.X}:{c.Df}")).ToArray()).Select(l => double.Parse(l, CultureInfo.InvariantCulture)).ToArray();
        for (var i = 0; i < cases.Length; i++)
        {
            var p = ChiSquare.UpperTail(cases[i].X, cases[i].Df);
            Assert.True(Math.Abs(p - expected[i]) <= 1e-10 + 1e-9 * expected[i], $"chi2({cases[i].X}, {cases[i].Df}): {p} vs scipy {expected[i]}");
        }
        Assert.Equal(1, ChiSquare.UpperTail(0, 2));
    }
}
