namespace PpkmOnnx.Core.Data;

/// <summary>A file as read: the labelled rows plus what the reader found out about the file.</summary>
/// <param name="Dataset">Rows with text and label (rows missing either are already dropped and counted).</param>
/// <param name="Format">Delimited or JSON Lines.</param>
/// <param name="Delimiter">Field delimiter (delimited files), else null.</param>
/// <param name="HasHeader">Whether the first row was a header.</param>
/// <param name="Columns">Column names (header names, or <c>0</c>, <c>1</c>, … without a header).</param>
/// <param name="TextColumn">Name of the column read as text.</param>
/// <param name="LabelColumn">Name of the column read as label.</param>
/// <param name="Labels">How raw labels became class ids.</param>
/// <param name="RowsRead">Data rows in the file (header and blank lines excluded).</param>
/// <param name="MissingDropped">Rows dropped because text or label was empty.</param>
public sealed record LoadedDataset(
    TextClassificationDataset Dataset,
    DataFormat Format,
    char? Delimiter,
    bool HasHeader,
    IReadOnlyList<string> Columns,
    string TextColumn,
    string LabelColumn,
    LabelMapping Labels,
    int RowsRead,
    int MissingDropped)
{
    /// <summary>Ragged rows and quotes that swallowed rows (delimited files; below the threshold that fails the read).</summary>
    public ReaderAnomalies Anomalies { get; init; } = ReaderAnomalies.None;
}
