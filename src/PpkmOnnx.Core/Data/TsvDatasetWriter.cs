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
    public static void Write(string path, TextClassificationDataset dataset) => AtomicFile.WriteAllText(path, ToText(dataset));

    /// <summary>The file's content.</summary>
    public static string ToText(TextClassificationDataset dataset)
    {
        var sb = new StringBuilder("text\tlabel\n");
        foreach (var row in dataset.Rows)
            sb.Append(Quote(row.Text)).Append('\t').Append(Quote(dataset.LabelNames[row.Label])).Append('\n');
        return sb.ToString();
    }

    private static string Quote(string field) =>
        field.AsSpan().IndexOfAny("\t\r\n\"") >= 0 ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : field;
}
