using System.Text;

namespace PpkmOnnx.Benchmarking.Reporting;

/// <summary>Renders report blocks as GitHub-flavoured Markdown; charts become links to charts/*.png.</summary>
internal static class MarkdownReportWriter
{
    public static string Render(IReadOnlyList<ReportBlock> blocks, string chartFolderName)
    {
        var md = new StringBuilder();
        foreach (var block in blocks)
        {
            switch (block)
            {
                case HeadingBlock h:
                    md.Append('#', h.Level).Append(' ').AppendLine(h.Text).AppendLine();
                    break;
                case ParagraphBlock p:
                    md.AppendLine(p.Text).AppendLine();
                    break;
                case TableBlock t:
                    md.Append("| ").AppendJoin(" | ", t.Headers.Select(Cell)).AppendLine(" |");
                    md.Append('|').AppendJoin("|", t.Headers.Select(_ => " --- ")).AppendLine("|");
                    foreach (var row in t.Rows) md.Append("| ").AppendJoin(" | ", row.Select(Cell)).AppendLine(" |");
                    md.AppendLine();
                    break;
                case ChartBlock c:
                    md.Append("![").Append(c.Title.Replace("]", ")", StringComparison.Ordinal)).Append("](")
                        .Append(chartFolderName).Append('/').Append(c.FileStem).AppendLine(".png)").AppendLine();
                    break;
            }
        }
        return md.ToString();
    }

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}
