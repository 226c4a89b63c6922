using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace LabelFree.Cli.Tests;

/// <summary>
/// Opens a report in headless Chromium (Debian's <c>chromium</c>) as a reader would: every figure must have loaded with
/// a size, nothing may stick out past the window's right edge (cut off, or only reachable by scrolling sideways), and the
/// page must not ask for anything outside itself. A screenshot of the whole page is saved beside the report.
/// </summary>
public static partial class ReportInBrowser
{
    private const string Browser = "/usr/bin/chromium";
    private const int Width = 1280;

    /// <summary>What a probe script, appended to a copy of the report, finds once the page has loaded.</summary>
    private const string Probe = """
        <script>
        window.addEventListener('load', () => {
          const width = document.documentElement.clientWidth;
          const problems = [];
          const images = [...document.images];
          images.forEach((img, i) => {
            const box = img.getBoundingClientRect();
            if (!img.complete || img.naturalWidth === 0) problems.push(`figure ${i + 1} (${img.alt}) did not load`);
            else if (box.width < 50 || box.height < 50) problems.push(`figure ${i + 1} (${img.alt}) is drawn ${box.width}x${box.height}`);
          });
          document.querySelectorAll('body *').forEach(el => {
            const box = el.getBoundingClientRect();
            if (box.width > 0 && box.right > width + 1) problems.push(`${el.tagName.toLowerCase()} "${(el.alt || el.textContent || '').trim().slice(0, 40)}" ends at ${Math.round(box.right)} px, past the window's ${width}`);
          });
          const out = document.createElement('pre');
          out.id = 'labelfree-probe';
          out.textContent = JSON.stringify({ images: images.length, height: document.documentElement.scrollHeight, problems: problems.slice(0, 20) });
          document.body.appendChild(out);
        });
        </script>
        """;

    public sealed record Result(int Images, int Height, string[] Problems);

    public static Result Check(string report, string screenshot)
    {
        Assert.True(File.Exists(Browser), "headless Chromium not found (apt-get install chromium)");
        var html = File.ReadAllText(report);
        var external = ExternalReference().Matches(html).Select(m => m.Value).ToArray();
        Assert.True(external.Length == 0, $"the report is not self-contained: {string.Join(", ", external.Take(5))}");

        var folder = Path.Combine(Path.GetTempPath(), $"labelfree-browser-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            var probed = Path.Combine(folder, "probed.html");
            File.WriteAllText(probed, html.Replace("</body>", Probe + "</body>", StringComparison.Ordinal));
            var dom = Run(folder, "--dump-dom", $"--window-size={Width},1000", new Uri(probed).AbsoluteUri);
            var json = Regex.Match(dom, "<pre id=\"labelfree-probe\">(.*?)</pre>", RegexOptions.Singleline);
            Assert.True(json.Success, "the probe did not run: " + dom[..Math.Min(300, dom.Length)]);
            var result = JsonSerializer.Deserialize<Result>(System.Net.WebUtility.HtmlDecode(json.Groups[1].Value), new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
            Run(folder, $"--screenshot={screenshot}", $"--window-size={Width},{Math.Clamp(result.Height, 600, 16000)}", new Uri(report).AbsoluteUri);
            return result;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static string Run(string profile, params string[] args)
    {
        var start = new ProcessStartInfo(Browser) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--virtual-time-budget=10000",
                     $"--user-data-dir={Path.Combine(profile, "profile")}" }.Concat(args))
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(2)), "chromium did not finish");
        Assert.True(process.ExitCode == 0, $"chromium exited {process.ExitCode}: {error.Result}");
        return output;
    }

    /// <summary>src or href attributes that point outside the page (anything but data: URIs and in-page anchors).</summary>
    [GeneratedRegex("""(?:src|href)\s*=\s*["'](?!data:|#)[^"']+["']""", RegexOptions.IgnoreCase)]
    private static partial Regex ExternalReference();
}
