namespace PpkmOnnx.Core.Data;

/// <summary>How to read, clean, subsample and split a labelled text file.</summary>
public sealed record DataLoadOptions
{
    /// <summary>The file: delimited text (TSV/CSV, detected) or JSON Lines (<c>.jsonl</c> or a first line starting with <c>{</c>).</summary>
    public required string Path { get; init; }
    /// <summary>Text column: a header name (case-insensitive) or a 0-based index; null picks text/tweet/content/sentence/review, else column 0.</summary>
    public string? TextColumn { get; init; }
    /// <summary>Label column: a header name or a 0-based index; null picks label/class/sentiment, else the last column.</summary>
    public string? LabelColumn { get; init; }
    /// <summary>Raw label value to class name, e.g. <c>1=negative,2=neutral,3=positive</c>; null uses the built-in default for known headers or the file's own names.</summary>
    public string? Labels { get; init; }
    /// <summary>Whether the first row is a header; null detects it.</summary>
    public bool? HasHeader { get; init; }
    /// <summary>Field delimiter; null detects it from the first line (tab, comma, semicolon or bar).</summary>
    public char? Delimiter { get; init; }
    /// <summary>Keep at most this many rows (stratified subsample after cleaning); null keeps all.</summary>
    public int? Limit { get; init; }
    /// <summary>Seed of the subsample and of the split.</summary>
    public int Seed { get; init; } = 42;
    /// <summary>What to do with texts that carry different labels.</summary>
    public ConflictPolicy Conflicts { get; init; } = ConflictPolicy.DropAll;
    /// <summary>
    /// Another file whose texts must not appear here (e.g. the training sheet, when this file is a held-out set):
    /// rows with exactly the same text are dropped before subsampling and splitting. Null keeps every row.
    /// </summary>
    public string? ExcludeTextsFrom { get; init; }
}
