namespace PpkmOnnx.Core.Data;

/// <summary>The kind of file a dataset was read from.</summary>
public enum DataFormat
{
    /// <summary>Delimiter-separated values (TSV, CSV, …), quoted fields may span lines.</summary>
    Delimited,
    /// <summary>One JSON object per line with text and label properties.</summary>
    JsonLines,
}
