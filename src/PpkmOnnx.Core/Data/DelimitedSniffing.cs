using System.Globalization;
using nietras.SeparatedValues;

namespace PpkmOnnx.Core.Data;

/// <summary>
/// The detection rules shared by <see cref="DatasetReader"/> (whole file in memory) and <see cref="TextRowReader"/>
/// (streaming): delimiter from the first line, header from known column names, quote-aware versus quote-blind TSV,
/// and column resolution by name or index, so both read the same file the same way.
/// </summary>
internal static class DelimitedSniffing
{
    /// <summary>Header names taken for the text column, in order of preference.</summary>
    public static readonly string[] TextNames = ["text", "tweet", "content", "sentence", "review", "kalimat"];
    /// <summary>Header names taken for the label column, in order of preference.</summary>
    public static readonly string[] LabelNames = ["label", "labels", "class", "sentiment", "sentimen", "target"];

    /// <summary>Tab if the first line has one, else the most frequent of comma, semicolon and bar.</summary>
    /// <exception cref="UserInputException">None of them occurs.</exception>
    public static char DetectDelimiter(string path, string firstLine) =>
        TryDetectDelimiter(firstLine) ?? throw new UserInputException($"{path}: line 1: no delimiter found (tab, comma, semicolon or bar); expected a text column and a label column.");

    /// <summary>Tab if <paramref name="firstLine"/> has one, else the most frequent of comma, semicolon and bar; null when none occurs.</summary>
    public static char? TryDetectDelimiter(string firstLine)
    {
        if (firstLine.Contains('\t')) return '\t';
        var best = new[] { ',', ';', '|' }.Select(d => (d, n: firstLine.Count(c => c == d))).OrderByDescending(x => x.n).First();
        return best.n > 0 ? best.d : null;
    }

    /// <summary>The first line of <paramref name="text"/> without its line break.</summary>
    public static string FirstLine(string text)
    {
        int end = text.IndexOf('\n');
        return (end < 0 ? text : text[..end]).TrimEnd('\r');
    }

    /// <summary>Sep reader options of every delimited read: no header (detected separately), unescaped, ragged rows allowed.</summary>
    public static SepReaderOptions ReaderOptions(char delimiter, bool quotes) => Sep.New(delimiter).Reader(o => o with
    {
        HasHeader = false, Unescape = true, DisableColCountCheck = true, DisableQuotesParsing = !quotes,
    });

    /// <summary>True for a row that is one blank cell (a blank line).</summary>
    public static bool IsBlank(SepReader.Row row) => row.ColCount == 1 && row[0].Span.Trim().Length == 0;

    /// <summary>The line a row starts on.</summary>
    // Sep 0.17.1 reports LineNumberFrom = 2 for the very first row when HasHeader is false; it starts on line 1.
    public static int LineOf(SepReader.Row row) => row.RowIndex == 0 ? 1 : row.LineNumberFrom;

    /// <summary>Every non-blank row's cells with the line it starts on.</summary>
    public static List<(string[] Cells, int Line)> Parse(string text, char delimiter, bool quotes)
    {
        var rows = new List<(string[] Cells, int Line)>();
        using var reader = ReaderOptions(delimiter, quotes).FromText(text);
        foreach (var row in reader)
        {
            if (IsBlank(row)) continue;
            var cells = new string[row.ColCount];
            for (int i = 0; i < cells.Length; i++) cells[i] = row[i].ToString();
            rows.Add((cells, LineOf(row)));
        }
        return rows;
    }

    /// <summary>
    /// Whether <paramref name="text"/> (a whole file, or a prefix of one cut at a line end) is read with quotes parsed.
    /// Tab-separated tweets (the Kaggle file) often hold a lone " mid-text, which a quote-aware parser takes as the start
    /// of a field running into the following rows; pandas, which the file's users read it with, treats it as text.
    /// So for TSV the quote-blind reading wins when it gives every row the same field count and the quote-aware one
    /// does not agree with it row for row (quoted fields that span lines, as TsvDatasetWriter writes, keep the latter).
    /// </summary>
    public static bool ParseQuotes(string text, char delimiter) => ParseQuotes(text, delimiter, Parse(text, delimiter, quotes: true));

    /// <summary><see cref="ParseQuotes(string, char)"/> given the quote-aware rows already parsed.</summary>
    public static bool ParseQuotes(string text, char delimiter, List<(string[] Cells, int Line)> aware)
    {
        if (delimiter != '\t' || !text.Contains('"')) return true;
        var blind = Parse(text, delimiter, quotes: false);
        bool blindConsistent = blind.Count > 0 && blind.All(r => r.Cells.Length == blind[0].Cells.Length);
        bool awareConsistent = aware.All(r => r.Cells.Length == aware[0].Cells.Length);
        return !(blindConsistent && (!awareConsistent || blind.Count != aware.Count));
    }

    /// <summary>A first row that names a known text or label column, or the column asked for by name, is a header.</summary>
    public static bool NamesKnownColumns(string[] firstRowTrimmed, string? textColumn, string? labelColumn = null) =>
        firstRowTrimmed.Any(c => TextNames.Contains(c, StringComparer.OrdinalIgnoreCase) || LabelNames.Contains(c, StringComparer.OrdinalIgnoreCase))
        || IsName(textColumn) || IsName(labelColumn);

    /// <summary>A column option that is a name rather than a 0-based index.</summary>
    public static bool IsName(string? column) => column is { Length: > 0 } && TryIndex(column) is null;

    /// <summary>The 0-based index a column option names, or null when it is a name.</summary>
    public static int? TryIndex(string? column) =>
        column is not null && int.TryParse(column, NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? i : null;

    /// <summary>
    /// The index of the <paramref name="role"/> column: <paramref name="requested"/> by index or name (case-insensitive),
    /// else the first of <paramref name="knownNames"/> present, else <paramref name="fallback"/> (an error when a header
    /// of more than two columns names none of them).
    /// </summary>
    /// <exception cref="UserInputException">The column is unknown or ambiguous; the message lists the columns.</exception>
    public static int ResolveColumn(string path, string? requested, string role, string[] columns, bool hasHeader, string[] knownNames, int fallback)
    {
        string Available() => string.Join(", ", columns.Select(c => $"'{c}'"));
        if (requested is { Length: > 0 })
        {
            if (TryIndex(requested) is int index)
            {
                if (index >= columns.Length)
                    throw new UserInputException($"{path}: {role} column index {index} is out of range; the file has {columns.Length} columns: {Available()}.");
                return index;
            }
            int byName = Array.FindIndex(columns, c => c.Equals(requested, StringComparison.OrdinalIgnoreCase));
            if (byName < 0)
                throw new UserInputException(hasHeader
                    ? $"{path}: unknown {role} column '{requested}'; available columns: {Available()}."
                    : $"{path}: unknown {role} column '{requested}': the file has no header, use a 0-based index (columns: {Available()}).");
            return byName;
        }
        foreach (var name in knownNames)
        {
            int i = Array.FindIndex(columns, c => c.Equals(name, StringComparison.OrdinalIgnoreCase));
            if (i >= 0) return i;
        }
        if (hasHeader && columns.Length > 2)
            throw new UserInputException($"{path}: cannot tell which column holds the {role}; pass --{role}-column (available columns: {Available()}).");
        return fallback;
    }
}
