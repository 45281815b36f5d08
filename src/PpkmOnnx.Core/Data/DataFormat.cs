namespace PpkmOnnx.Core.Data;

/// <summary>The kind of file a dataset was read from.</summary>
public enum DataFormat
{
    /// <summary>Delimiter-separated values (TSV, CSV, …), quoted fields may span lines.</summary>
    Delimited,
    /// <summary>One JSON object per line with text and label properties.</summary>
    JsonLines,
    /// <summary>One text per line, no header, no columns (e.g. standard input or a .txt file).</summary>
    PlainLines,
}
