namespace LabelFree.Analysis.Survival;

/// <summary>A Kaplan-Meier curve: S(t) just after each distinct event time, and how many were at risk just before it.</summary>
public sealed record SurvivalCurve(double[] Times, double[] Survival, int[] AtRisk, int Subjects, int Events)
{
    /// <summary>S at <paramref name="time"/> (1 before the first event).</summary>
    public double At(double time)
    {
        var s = 1.0;
        for (var i = 0; i < Times.Length && Times[i] <= time; i++) s = Survival[i];
        return s;
    }
}

/// <summary>The Kaplan-Meier (product-limit) estimator: S(t) = Π over event times t_i ≤ t of (1 - d_i / n_i); a subject censored at t_i counts as at risk at t_i.</summary>
public static class KaplanMeier
{
    public static SurvivalCurve Fit(ReadOnlySpan<double> time, ReadOnlySpan<bool> observed)
    {
        if (time.Length != observed.Length) throw new ArgumentException($"times and events differ in size ({time.Length} and {observed.Length})");
        var order = Enumerable.Range(0, time.Length).ToArray();
        var keys = time.ToArray();
        Array.Sort(keys, order);
        var (times, survival, atRisk) = (new List<double>(), new List<double>(), new List<int>());
        var s = 1.0;
        var remaining = time.Length;
        var events = 0;
        for (var k = 0; k < order.Length;)
        {
            var t = keys[k];
            int deaths = 0, leaving = 0;
            for (; k < order.Length && keys[k] == t; k++)
            {
                leaving++;
                if (observed[order[k]]) deaths++;
            }
            if (deaths > 0)
            {
                s *= 1 - (double)deaths / remaining;
                times.Add(t);
                survival.Add(s);
                atRisk.Add(remaining);
                events += deaths;
            }
            remaining -= leaving;
        }
        return new SurvivalCurve([.. times], [.. survival], [.. atRisk], time.Length, events);
    }
}
