using LabelFree.Core.IO;
using ScottPlot;

namespace LabelFree.Reports.Figures;

/// <summary>One line of a <see cref="SignalChart"/>: a channel or a detector's scores, with the detector's threshold.</summary>
public sealed record SignalTrack(string Label, IReadOnlyList<float> Values, double? Threshold = null);

/// <summary>
/// A signal and anomaly scores over time, stacked top to bottom on one time axis, each track scaled to its own band
/// (scores clipped at three times the threshold or the 99.9th percentile, whichever is higher), with labelled
/// stretches shaded and each threshold drawn as a dashed line.
/// </summary>
public static class SignalChart
{
    public static void SavePng(string path, string title, IReadOnlyList<double> time, string timeLabel, IReadOnlyList<SignalTrack> tracks,
        IReadOnlyList<(int Start, int End)> shaded, string shadedLabel, int width = 1400)
    {
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel(timeLabel);
        plot.Axes.Left.TickLabelStyle.IsVisible = false;
        var xs = time.ToArray();
        var palette = new ScottPlot.Palettes.Category10();
        for (var k = 0; k < tracks.Count; k++)
        {
            var track = tracks[k];
            var sorted = track.Values.Order().ToArray();
            var low = sorted[0];
            var high = Math.Max(sorted[(int)(0.999 * (sorted.Length - 1))], track.Threshold is { } t ? Math.Min(3 * t, sorted[^1]) : sorted[^1]);
            var range = high > low ? high - low : 1;
            var offset = 1.25 * (tracks.Count - 1 - k);
            double Y(double v) => offset + Math.Clamp((v - low) / range, 0, 1.05);
            var line = plot.Add.SignalXY(xs, track.Values.Select(v => Y(v)).ToArray());
            line.LegendText = track.Label;
            line.Color = palette.GetColor(k);
            if (track.Threshold is { } threshold)
            {
                var cut = plot.Add.Line(xs[0], Y(threshold), xs[^1], Y(threshold));
                cut.LinePattern = LinePattern.Dashed;
                cut.Color = palette.GetColor(k);
            }
        }
        foreach (var (start, end) in shaded)
        {
            var span = plot.Add.HorizontalSpan(xs[start], xs[Math.Min(end, xs.Length - 1)]);
            span.FillStyle.Color = Colors.Red.WithAlpha(0.15);
            span.LineStyle.Width = 0;
        }
        if (shaded.Count > 0)
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = shadedLabel, FillColor = Colors.Red.WithAlpha(0.15) });
        plot.ShowLegend(Alignment.UpperRight);
        AtomicFile.WriteAllBytes(path, plot.GetImageBytes(width, 160 + 140 * tracks.Count, ImageFormat.Png));
    }
}
