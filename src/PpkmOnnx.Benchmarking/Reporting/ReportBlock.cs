namespace PpkmOnnx.Benchmarking.Reporting;

/// <summary>A piece of the report, rendered by both the Markdown and the HTML writer.</summary>
internal abstract record ReportBlock;

/// <summary>A heading (level 1–4).</summary>
internal sealed record HeadingBlock(int Level, string Text) : ReportBlock;

/// <summary>A paragraph of plain text.</summary>
internal sealed record ParagraphBlock(string Text) : ReportBlock;

/// <summary>
/// A table; <see cref="Shading"/> (0..1 per cell, same shape as <see cref="Rows"/>, null cells unshaded) colours
/// cells in HTML, as confusion matrices want.
/// </summary>
internal sealed record TableBlock(IReadOnlyList<string> Headers, IReadOnlyList<IReadOnlyList<string>> Rows, double?[][]? Shading = null) : ReportBlock;

/// <summary>A chart written as charts/<see cref="FileStem"/>.svg and .png.</summary>
internal sealed record ChartBlock(string Title, string FileStem, string Svg, byte[] Png) : ReportBlock;
