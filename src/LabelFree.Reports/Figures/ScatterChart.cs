using LabelFree.Core.IO;
using ScottPlot;

namespace LabelFree.Reports.Figures;

/// <summary>2-D scatter plots of points coloured by group (UMAP of cells coloured by cluster, batch or cell type), saved as PNG.</summary>
public static class ScatterChart
{
    public static void SavePng(string path, string title, float[,] points, IReadOnlyList<string> groups, string xLabel = "UMAP 1", string yLabel = "UMAP 2",
        int width = 700, int height = 600)
    {
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        var names = groups.Distinct().OrderBy(g => int.TryParse(g, out var n) ? n : int.MaxValue).ThenBy(g => g, StringComparer.Ordinal).ToList();
        var palette = new ScottPlot.Palettes.Category20();
        var markerSize = points.GetLength(0) > 5000 ? 2 : points.GetLength(0) > 500 ? 4 : 6;
        for (var c = 0; c < names.Count; c++)
        {
            var members = Enumerable.Range(0, groups.Count).Where(i => groups[i] == names[c]).ToArray();
            var scatter = plot.Add.ScatterPoints(members.Select(i => (double)points[i, 0]).ToArray(), members.Select(i => (double)points[i, 1]).ToArray(), palette.GetColor(c));
            scatter.MarkerSize = markerSize;
            scatter.LegendText = names.Count <= 20 ? $"{names[c]} ({members.Length})" : "";
        }
        if (names.Count <= 20) plot.ShowLegend(Alignment.UpperRight);
        AtomicFile.WriteAllBytes(path, plot.GetImageBytes(width, height, ImageFormat.Png));
    }
}
