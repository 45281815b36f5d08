using System.Globalization;
using System.Net;
using System.Text;

namespace PpkmOnnx.Benchmarking.Reporting;

/// <summary>Renders report blocks as one self-contained HTML page: inline CSS, charts as SVG data URIs, no network.</summary>
internal static class HtmlReportWriter
{
    private const string Style = """
        body { font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222; }
        table { border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 0.92em; }
        th, td { border: 1px solid #ccc; padding: 0.3em 0.6em; text-align: right; }
        th:first-child, td:first-child { text-align: left; }
        th { background: #f3f3f3; }
        figure { margin: 1em 0 2em; }
        figcaption { font-size: 0.9em; color: #555; }
        img.chart { max-width: 100%; border: 1px solid #eee; }
        """;

    public static string Render(string title, IReadOnlyList<ReportBlock> blocks)
    {
        var html = new StringBuilder();
        html.AppendLine("<!DOCTYPE html>").AppendLine("<html lang=\"en\"><head><meta charset=\"utf-8\">")
            .Append("<title>").Append(E(title)).AppendLine("</title>")
            .Append("<style>").Append(Style).AppendLine("</style></head><body>");
        foreach (var block in blocks)
        {
            switch (block)
            {
                case HeadingBlock h:
                    html.Append("<h").Append(h.Level).Append('>').Append(E(h.Text)).Append("</h").Append(h.Level).AppendLine(">");
                    break;
                case ParagraphBlock p:
                    html.Append("<p>").Append(E(p.Text)).AppendLine("</p>");
                    break;
                case TableBlock t:
                    html.Append("<table><thead><tr>");
                    foreach (var header in t.Headers) html.Append("<th>").Append(E(header)).Append("</th>");
                    html.AppendLine("</tr></thead><tbody>");
                    for (int r = 0; r < t.Rows.Count; r++)
                    {
                        html.Append("<tr>");
                        for (int c = 0; c < t.Rows[r].Count; c++)
                        {
                            var shade = t.Shading is { } s && r < s.Length && c < s[r].Length ? s[r][c] : null;
                            html.Append(shade is { } v ? $"<td style=\"background: rgba(31,119,180,{Math.Clamp(v, 0, 1).ToString("0.00", CultureInfo.InvariantCulture)})\">" : "<td>")
                                .Append(E(t.Rows[r][c])).Append("</td>");
                        }
                        html.AppendLine("</tr>");
                    }
                    html.AppendLine("</tbody></table>");
                    break;
                case ChartBlock c:
                    html.Append("<figure><img class=\"chart\" alt=\"").Append(E(c.Title)).Append("\" src=\"data:image/svg+xml;base64,")
                        .Append(Convert.ToBase64String(Encoding.UTF8.GetBytes(c.Svg))).Append("\"><figcaption>")
                        .Append(E(c.Title)).AppendLine("</figcaption></figure>");
                    break;
            }
        }
        html.AppendLine("</body></html>");
        return html.ToString();
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
