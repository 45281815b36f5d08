namespace PpkmOnnx.Benchmarking.Reporting;

/// <summary>The files a report consists of.</summary>
/// <param name="MarkdownPath">report.md (charts referenced as charts/*.png).</param>
/// <param name="HtmlPath">report.html (self-contained: charts embedded as data URIs).</param>
/// <param name="ChartPaths">Every chart written, SVG and PNG.</param>
public sealed record ReportFiles(string MarkdownPath, string HtmlPath, IReadOnlyList<string> ChartPaths);
