namespace PpkmOnnx.Core.Data;

/// <summary>One text to classify, read by <see cref="TextRowReader"/>.</summary>
/// <param name="Text">The text (never blank: blank texts are skipped and counted).</param>
/// <param name="Row">1-based data row number: header and blank lines excluded (plain lines: blank lines included), rows with an empty text included.</param>
/// <param name="Line">The line of the file the row starts on.</param>
public sealed record TextRow(string Text, long Row, long Line);
