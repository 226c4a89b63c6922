using System.Net;
using System.Text;
using LabelFree.Core.IO;

namespace LabelFree.Reports.Html;

/// <summary>
/// A self-contained HTML report: sections of text, tables and figures, with each PNG embedded (so the file can be
/// mailed or archived alone) and also kept beside it under figures/.
/// </summary>
public sealed class HtmlReport(string title)
{
    private readonly StringBuilder _body = new();

    public HtmlReport Section(string heading)
    {
        _body.Append("<h2>").Append(Encode(heading)).AppendLine("</h2>");
        return this;
    }

    public HtmlReport Paragraph(string text)
    {
        _body.Append("<p>").Append(Encode(text)).AppendLine("</p>");
        return this;
    }

    public HtmlReport Table(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        _body.AppendLine("<table><thead><tr>");
        foreach (var cell in header) _body.Append("<th>").Append(Encode(cell)).Append("</th>");
        _body.AppendLine("</tr></thead><tbody>");
        foreach (var row in rows)
        {
            _body.Append("<tr>");
            foreach (var cell in row) _body.Append("<td>").Append(Encode(cell)).Append("</td>");
            _body.AppendLine("</tr>");
        }
        _body.AppendLine("</tbody></table>");
        return this;
    }

    /// <summary>Embeds the PNG at <paramref name="pngPath"/> with a caption.</summary>
    public HtmlReport Figure(string pngPath, string caption)
    {
        var data = Convert.ToBase64String(File.ReadAllBytes(pngPath));
        _body.Append("<figure><img alt=\"").Append(Encode(caption)).Append("\" src=\"data:image/png;base64,").Append(data).AppendLine("\">")
            .Append("<figcaption>").Append(Encode(caption)).AppendLine("</figcaption></figure>");
        return this;
    }

    public string Render() => $$"""
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>{{Encode(title)}}</title>
        <style>
        body { font-family: system-ui, sans-serif; max-width: 1000px; margin: 2em auto; padding: 0 1em; color: #222; }
        h1 { font-size: 1.6em; } h2 { font-size: 1.25em; margin-top: 2em; border-bottom: 1px solid #ddd; }
        table { border-collapse: collapse; margin: 1em 0; } td, th { border: 1px solid #ccc; padding: 4px 10px; text-align: left; }
        th { background: #f4f4f4; } figure { margin: 1em 0; } img { max-width: 100%; } figcaption { color: #555; font-size: 0.9em; }
        </style></head>
        <body><h1>{{Encode(title)}}</h1>
        {{_body}}</body></html>
        """;

    public void Save(string path) => AtomicFile.WriteAllText(path, Render());

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
