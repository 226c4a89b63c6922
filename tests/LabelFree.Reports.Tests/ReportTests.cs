using LabelFree.Reports.Figures;
using LabelFree.Reports.Html;
using LabelFree.TestKit;
using SkiaSharp;

namespace LabelFree.Reports.Tests;

public class ReportTests
{
    [Fact]
    public void Image_grid_is_a_png_of_the_expected_size_with_the_pixels_drawn()
    {
        using var folder = new TempFolder();
        var white = new GrayImage(Enumerable.Repeat(1f, 20 * 10).ToArray(), 20, 10);
        ImageGrid.SavePng(folder["grid.png"], [("a", [white, white]), ("b", [white])], scale: 2);

        using var bitmap = SKBitmap.Decode(folder["grid.png"]);
        Assert.Equal(130 + 2 * (20 + 4), bitmap.Width);
        Assert.Equal(2 * (40 + 4), bitmap.Height);
        Assert.Equal(255, bitmap.GetPixel(130 + 5, 5).Red);
    }

    [Fact]
    public void Line_chart_writes_a_png()
    {
        using var folder = new TempFolder();
        LineChart.SavePng(folder["c.png"], "t", "x", "y", [new Series("s", [1, 2, 3], [3, 2, 1])], logY: true);
        using var bitmap = SKBitmap.Decode(folder["c.png"]);
        Assert.Equal((800, 450), (bitmap.Width, bitmap.Height));
    }

    [Fact]
    public void Html_report_embeds_figures_and_escapes_text()
    {
        using var folder = new TempFolder();
        ImageGrid.SavePng(folder["g.png"], [("x", [new GrayImage(new float[64], 8, 8)])]);
        new HtmlReport("A <b> report").Section("S").Paragraph("x < y").Table(["h"], [["1 & 2"]]).Figure(folder["g.png"], "cap").Save(folder["r.html"]);

        var html = File.ReadAllText(folder["r.html"]);
        Assert.Contains("<title>A &lt;b&gt; report</title>", html);
        Assert.Contains("<p>x &lt; y</p>", html);
        Assert.Contains("<td>1 &amp; 2</td>", html);
        Assert.Contains("src=\"data:image/png;base64,iVBORw0KGgo", html);
    }
}
