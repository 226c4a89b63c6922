using LabelFree.Analysis.Gwas;
using LabelFree.Analysis.Loci;
using LabelFree.Core.IO;
using ScottPlot;

namespace LabelFree.Reports.Gwas;

/// <summary>Manhattan and QQ plots (PNG) of association results, for one phenotype or several overlaid.</summary>
public static class GwasFigures
{
    private static readonly Color[] ChromColors = [Color.FromHex("#1f4e79"), Color.FromHex("#7fa7cf")];

    /// <summary>
    /// -log10 P against position, chromosomes side by side in alternating colours, the 5e-8 line dashed.
    /// Several phenotypes' results are drawn on one panel (a variant appears once per phenotype).
    /// </summary>
    public static void Manhattan(string path, IReadOnlyList<SumStats> results, string title, int width = 1400, int height = 500)
    {
        var rows = results.SelectMany(r => r.Rows).Where(r => r.P >= 0).ToArray();
        var chroms = rows.Select(r => r.Chrom).Distinct().OrderBy(ChromKey).ToArray();
        var plot = new Plot();
        var offset = 0.0;
        var ticks = new List<Tick>();
        for (var c = 0; c < chroms.Length; c++)
        {
            var onChrom = rows.Where(r => r.Chrom == chroms[c]).ToArray();
            var min = onChrom.Min(r => r.Position);
            var max = onChrom.Max(r => r.Position);
            var xs = onChrom.Select(r => offset + r.Position - min).ToArray();
            var ys = onChrom.Select(r => NegLog10(r.P)).ToArray();
            var points = plot.Add.ScatterPoints(xs, ys);
            points.Color = ChromColors[c % 2];
            points.MarkerSize = 3;
            ticks.Add(new Tick(offset + (max - min) / 2.0, chroms[c]));
            offset += max - min + Math.Max(1, (max - min) * 0.02);
        }
        var line = plot.Add.HorizontalLine(-Math.Log10(5e-8));
        line.LinePattern = LinePattern.Dashed;
        line.Color = Colors.Red;
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual([.. ticks]);
        plot.Axes.Bottom.Label.Text = "chromosome";
        plot.Axes.Left.Label.Text = "-log10(P)";
        plot.Title(title);
        plot.Axes.SetLimitsY(0, Math.Max(8.5, rows.Length > 0 ? rows.Max(r => NegLog10(r.P)) * 1.05 : 1));
        Save(plot, path, width, height);
    }

    /// <summary>Observed against expected -log10 P, one series per phenotype with its lambda_GC in the legend; returns the lambdas.</summary>
    public static IReadOnlyList<double> QQ(string path, IReadOnlyList<SumStats> results, string title, int width = 700, int height = 700)
    {
        var plot = new Plot();
        var lambdas = new List<double>();
        double maxExpected = 0, maxObserved = 0;
        foreach (var result in results)
        {
            var p = result.Rows.Select(r => r.P).Where(v => v is >= 0 and <= 1).Order().ToArray();
            var lambda = GenomicInflation.Lambda(p);
            lambdas.Add(lambda);
            if (p.Length == 0) continue;
            var expected = p.Select((_, i) => -Math.Log10((i + 0.5) / p.Length)).ToArray();
            var observed = p.Select(NegLog10).ToArray();
            maxExpected = Math.Max(maxExpected, expected[0]);
            maxObserved = Math.Max(maxObserved, observed[0]);
            var series = plot.Add.ScatterPoints(expected, observed);
            series.MarkerSize = 3;
            series.LegendText = results.Count <= 12 ? $"{result.Phenotype} (λ={lambda:F3})" : "";
        }
        var diagonal = plot.Add.Line(0, 0, maxExpected, maxExpected);
        diagonal.Color = Colors.Gray;
        diagonal.LinePattern = LinePattern.Dashed;
        plot.Axes.SetLimits(0, Math.Max(1, maxExpected) * 1.05, 0, Math.Max(1, maxObserved) * 1.05);
        plot.Axes.Bottom.Label.Text = "expected -log10(P)";
        plot.Axes.Left.Label.Text = "observed -log10(P)";
        var median = lambdas.Where(double.IsFinite).Order().ToArray();
        plot.Title(results.Count == 1 ? $"{title}: λGC = {lambdas[0]:F3}"
            : $"{title}: {results.Count} phenotypes, median λGC = {(median.Length > 0 ? median[median.Length / 2] : double.NaN):F3}");
        if (results.Count <= 12) plot.ShowLegend(Alignment.UpperLeft);
        Save(plot, path, width, height);
        return lambdas;
    }

    private static double NegLog10(double p) => p > 0 ? -Math.Log10(p) : 320;

    private static void Save(Plot plot, string path, int width, int height) =>
        AtomicFile.WriteAllBytes(path, plot.GetImageBytes(width, height, ImageFormat.Png));

    private static (int, string) ChromKey(string chrom) =>
        int.TryParse(chrom.StartsWith("chr", StringComparison.OrdinalIgnoreCase) ? chrom[3..] : chrom, out var n) ? (n, "") : (int.MaxValue, chrom);
}
