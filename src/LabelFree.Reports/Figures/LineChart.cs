using LabelFree.Core.IO;
using ScottPlot;

namespace LabelFree.Reports.Figures;

/// <summary>One named line of a chart.</summary>
public sealed record Series(string Label, IReadOnlyList<double> X, IReadOnlyList<double> Y);

/// <summary>Line charts (loss curves and the like) saved as PNG.</summary>
public static class LineChart
{
    public static void SavePng(string path, string title, string xLabel, string yLabel, IEnumerable<Series> series,
        bool logY = false, int width = 800, int height = 450)
    {
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(logY ? $"{yLabel} (log10)" : yLabel);
        foreach (var line in series.Where(s => s.X.Count > 0))
        {
            var ys = line.Y.Select(y => logY ? Math.Log10(Math.Max(y, 1e-12)) : y).ToArray();
            var scatter = plot.Add.Scatter(line.X.ToArray(), ys);
            scatter.LegendText = line.Label;
            scatter.MarkerSize = line.X.Count > 60 ? 0 : 5;
            scatter.LineWidth = 2;
        }
        plot.ShowLegend(Alignment.UpperRight);
        AtomicFile.WriteAllBytes(path, plot.GetImageBytes(width, height, ImageFormat.Png));
    }
}
