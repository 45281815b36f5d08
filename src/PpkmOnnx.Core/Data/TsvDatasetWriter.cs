using System.Text;
using PpkmOnnx.Core.Checkpoints;

namespace PpkmOnnx.Core.Data;

/// <summary>
/// Writes a dataset as UTF-8 TSV with the header <c>text&lt;TAB&gt;label</c> (label = class name), LF line ends, written
/// atomically. A text holding a tab, line break or quote is quoted with inner quotes doubled, so
/// <see cref="DatasetReader"/> reads the file back to the same rows.
/// </summary>
public static class TsvDatasetWriter
{
    /// <summary>Writes <paramref name="dataset"/> to <paramref name="path"/>.</summary>
    public static void Write(string path, TextClassificationDataset dataset) => AtomicFile.Write(path, s => Write(s, dataset));

    /// <summary>
    /// Writes the file's content to <paramref name="stream"/> (one of <see cref="AtomicFile.WriteTogether"/>'s staged files),
    /// checking <paramref name="cancellationToken"/> every few thousand rows so a large part stops promptly on Ctrl-C.
    /// </summary>
    /// <exception cref="OperationCanceledException">The token was cancelled while writing.</exception>
    public static void Write(Stream stream, TextClassificationDataset dataset, CancellationToken cancellationToken = default)
    {
        using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
        writer.Write(Header);
        for (int i = 0; i < dataset.Rows.Count; i++)
        {
            if (i % 4096 == 0) cancellationToken.ThrowIfCancellationRequested();
            writer.Write(Line(dataset, dataset.Rows[i]));
        }
        writer.Flush();
        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>The file's content.</summary>
    public static string ToText(TextClassificationDataset dataset)
    {
        var sb = new StringBuilder(Header);
        foreach (var row in dataset.Rows) sb.Append(Line(dataset, row));
        return sb.ToString();
    }

    private const string Header = "text\tlabel\n";

    private static string Line(TextClassificationDataset dataset, LabelledText row) =>
        Quote(row.Text) + "\t" + Quote(dataset.LabelNames[row.Label]) + "\n";

    private static string Quote(string field) =>
        field.AsSpan().IndexOfAny("\t\r\n\"") >= 0 ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : field;
}
