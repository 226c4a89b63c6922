using LabelFree.Reports.Html;
using LabelFree.TestKit;

namespace LabelFree.Cli.Tests;

/// <summary>The browser check itself: it must catch a figure that does not load and a table wider than the window.</summary>
[Trait(Category.Name, Category.Slow)]
public class ReportInBrowserTests
{
    [Fact]
    public void The_browser_check_finds_a_broken_figure_and_a_table_past_the_edge()
    {
        using var folder = new TempFolder();
        var wide = new HtmlReport("broken").Paragraph("A table too wide to read:")
            .Table(["sample", .. Enumerable.Range(0, 40).Select(i => $"column {i}")], [["s1", .. Enumerable.Range(0, 40).Select(i => $"{i * 1234.5678:F4}")]]);
        var html = wide.Render().Replace("</body>", "<figure><img alt=\"lost figure\" src=\"data:image/png;base64,AAAA\"></figure></body>", StringComparison.Ordinal);
        File.WriteAllText(folder["report.html"], html);

        var result = ReportInBrowser.Check(folder["report.html"], folder["shot.png"]);

        Assert.Contains(result.Problems, p => p.Contains("figure 1 (lost figure) did not load", StringComparison.Ordinal));
        Assert.Contains(result.Problems, p => p.StartsWith("table ", StringComparison.Ordinal) && p.Contains("past the window's 1280", StringComparison.Ordinal));
        Assert.True(new FileInfo(folder["shot.png"]).Length > 1000);
    }
}
