namespace PpkmOnnx.Core.Data;

/// <summary>How <see cref="TextRowReader.Open"/> reads an unlabelled file.</summary>
public sealed record TextRowReaderOptions
{
    /// <summary>Text column: header name (case-insensitive) or 0-based index; null picks text/tweet/content/…, else column 0.</summary>
    public string? TextColumn { get; init; }
    /// <summary>The file's format; null detects it (.jsonl/.ndjson or a leading '{': JSON Lines; .txt: plain lines; else delimited).</summary>
    public DataFormat? Format { get; init; }
    /// <summary>Field delimiter of a delimited file; null detects it from the first line.</summary>
    public char? Delimiter { get; init; }
    /// <summary>Whether a delimited file has a header; null detects it (a known column name, or a text column given by name).</summary>
    public bool? HasHeader { get; init; }
    /// <summary>Characters read ahead to detect the format, delimiter, header and quoting (the whole file when it is smaller).</summary>
    public int SampleChars { get; init; } = 1 << 20;
}
