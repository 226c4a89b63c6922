using LabelFree.Analysis.Metrics;
using LabelFree.Analysis.Survival;

namespace LabelFree.Reports.Figures;

/// <summary>Kaplan-Meier curves (as steps) and reliability curves, saved as PNG.</summary>
public static class SurvivalChart
{
    /// <summary>One step curve per group, labelled with its size and events.</summary>
    public static void SavePng(string path, string title, IEnumerable<(string Label, SurvivalCurve Curve)> groups, string xLabel = "years after the landmark", double xScale = 1 / 365.25)
    {
        var series = groups.Select(g =>
        {
            var (x, y) = (new List<double> { 0 }, new List<double> { 1 });
            for (var i = 0; i < g.Curve.Times.Length; i++)
            {
                x.Add(g.Curve.Times[i] * xScale);
                y.Add(y[^1]);
                x.Add(g.Curve.Times[i] * xScale);
                y.Add(g.Curve.Survival[i]);
            }
            return new Series($"{g.Label} (n {g.Curve.Subjects}, {g.Curve.Events} events)", x, y);
        });
        LineChart.SavePng(path, title, xLabel, "event-free fraction (Kaplan-Meier)", series);
    }

    /// <summary>Observed fraction against mean prediction per bin, one line per model, with the diagonal of perfect calibration.</summary>
    public static void SaveReliabilityPng(string path, string title, IEnumerable<(string Label, IReadOnlyList<ReliabilityBin> Bins)> models)
    {
        var lines = models.Select(m => new Series(m.Label, m.Bins.Select(b => b.MeanPredicted).ToList(), m.Bins.Select(b => b.ObservedFraction).ToList())).ToList();
        var top = Math.Max(0.05, lines.SelectMany(l => l.X.Concat(l.Y)).DefaultIfEmpty(1).Max());
        lines.Add(new Series("perfect calibration", [0, top], [0, top]));
        LineChart.SavePng(path, title, "mean predicted probability (10 equal-size bins)", "observed fraction", lines);
    }
}
