using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using nietras.SeparatedValues;

namespace PpkmOnnx.Core.Data;

/// <summary>
/// Reads labelled text files: TSV/CSV (delimiter and header detected, quoted fields may span lines, parsed by Sep)
/// and JSON Lines. Checks the bytes first (empty, NUL bytes, UTF-16, invalid UTF-8) so a wrong file fails with one line
/// naming the file, the line and the problem (<see cref="UserInputException"/>), never with a garbled dataset.
/// Rows whose text or label is empty are dropped and counted, as the paper did.
/// </summary>
public static class DatasetReader
{
    private static readonly string[] TextNames = DelimitedSniffing.TextNames;
    private static readonly string[] LabelNames = DelimitedSniffing.LabelNames;
    private static readonly string[] KaggleHeader = ["Date", "User", "Tweet", "sentiment"];
    private const int MaxInferredClasses = 50;

    /// <summary>Reads <see cref="DataLoadOptions.Path"/> with the column, header, delimiter and label options given.</summary>
    /// <exception cref="UserInputException">The file does not exist.</exception>
    /// <exception cref="UserInputException">The file is empty, binary, not UTF-8, malformed, or has unknown columns or labels.</exception>
    /// <exception cref="InvalidSettingException">An option is malformed (e.g. <see cref="DataLoadOptions.Labels"/>), or the columns it picks cannot be right.</exception>
    public static LoadedDataset Read(DataLoadOptions options)
    {
        var path = options.Path;
        if (!File.Exists(path))
            throw new UserInputException(Directory.Exists(path) ? $"{path}: is a folder, expected a data file." : $"{path}: file not found.");
        var userMapping = options.Labels is { Length: > 0 } l ? LabelMapping.Parse(l) : null;
        var text = DecodeUtf8(path, File.ReadAllBytes(path));
        if (string.IsNullOrWhiteSpace(text)) throw new UserInputException($"{path}: the file is empty.");
        bool jsonl = path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".ndjson", StringComparison.OrdinalIgnoreCase)
            || text.TrimStart().StartsWith('{');
        var table = jsonl ? ReadJsonLines(path, text, options) : ReadDelimited(path, text, options);
        return Label(path, table, options, userMapping);
    }

    /// <summary>Decodes UTF-8 (BOM optional), rejecting NUL bytes, UTF-16 and invalid sequences with the line they are on.</summary>
    internal static string DecodeUtf8(string path, byte[] bytes)
    {
        if (bytes.Length >= 2 && (bytes[0] == 0xFF && bytes[1] == 0xFE || bytes[0] == 0xFE && bytes[1] == 0xFF))
            throw new UserInputException($"{path}: line 1: the file is UTF-16 encoded; save it as UTF-8.");
        int start = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0;
        var span = bytes.AsSpan(start);
        int nul = span.IndexOf((byte)0);
        if (nul >= 0)
            throw new UserInputException($"{path}: line {LineAt(span, nul)}: NUL byte at offset {nul + start}: this is binary data (or UTF-16 without a byte-order mark), not a UTF-8 text file.");
        var chars = new char[span.Length];
        var status = Utf8.ToUtf16(span, chars, out int read, out int written, replaceInvalidSequences: false);
        if (status == System.Buffers.OperationStatus.InvalidData || status == System.Buffers.OperationStatus.NeedMoreData)
            throw new UserInputException(
                $"{path}: line {LineAt(span, read)}: invalid UTF-8 (byte 0x{span[read]:X2} at offset {read + start}): the file is in another encoding (e.g. Windows-1252 or Latin-1); save it as UTF-8.");
        return new string(chars, 0, written);
    }

    private static int LineAt(ReadOnlySpan<byte> bytes, int offset) => bytes[..offset].Count((byte)'\n') + 1;

    /// <summary>Raw cells: the header (or null) and each data row's cells with the line it starts on.</summary>
    private sealed record RawTable(DataFormat Format, char? Delimiter, string[]? Header, List<(string[] Cells, int Line)> Rows, int FieldCount);

    private static RawTable ReadDelimited(string path, string text, DataLoadOptions options)
    {
        char delimiter = options.Delimiter ?? DelimitedSniffing.DetectDelimiter(path, DelimitedSniffing.FirstLine(text));
        var rows = DelimitedSniffing.Parse(text, delimiter, quotes: true);
        if (rows.Count > 0 && !DelimitedSniffing.ParseQuotes(text, delimiter, rows)) rows = DelimitedSniffing.Parse(text, delimiter, quotes: false);
        if (rows.Count == 0) throw new UserInputException($"{path}: the file is empty.");
        int fieldCount = rows[0].Cells.Length;
        bool hasHeader = options.HasHeader ?? DetectHeader(rows, options);
        string[]? header = null;
        if (hasHeader)
        {
            header = rows[0].Cells.Select(c => c.Trim()).ToArray();
            rows.RemoveAt(0);
            if (rows.Count == 0) throw new UserInputException($"{path}: line 2: the file has a header but no data rows.");
        }
        return new RawTable(DataFormat.Delimited, delimiter, header, rows, fieldCount);
    }

    private static bool DetectHeader(List<(string[] Cells, int Line)> rows, DataLoadOptions options)
    {
        var first = rows[0].Cells.Select(c => c.Trim()).ToArray();
        if (DelimitedSniffing.NamesKnownColumns(first, options.TextColumn, options.LabelColumn)) return true;
        if (rows.Count == 1) return false;
        // Without known names: a header's label cell is a column name, so it does not recur as a value below it.
        int labelIndex = DelimitedSniffing.TryIndex(options.LabelColumn) ?? first.Length - 1;
        if (labelIndex >= first.Length) return false;
        var candidate = first[labelIndex];
        return !rows.Skip(1).Take(1000).Any(r => labelIndex < r.Cells.Length && r.Cells[labelIndex].Trim() == candidate);
    }

    private static RawTable ReadJsonLines(string path, string text, DataLoadOptions options)
    {
        var rows = new List<(string[] Cells, int Line)>();
        var columns = new List<string>();
        var lines = text.Split('\n');
        var objects = new List<(Dictionary<string, string?> Values, int Line)>();
        for (int i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0) continue;
            var values = new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (var (name, value) in JsonLineParsing.ParseObject(path, line, i + 1))
            {
                if (!columns.Contains(name)) columns.Add(name);
                values[name] = value;
            }
            objects.Add((values, i + 1));
        }
        if (objects.Count == 0) throw new UserInputException($"{path}: the file is empty.");
        foreach (var (values, line) in objects)
            rows.Add((columns.Select(c => values.TryGetValue(c, out var v) ? v ?? "" : "").ToArray(), line));
        return new RawTable(DataFormat.JsonLines, null, columns.ToArray(), rows, columns.Count);
    }

    private static LoadedDataset Label(string path, RawTable table, DataLoadOptions options, LabelMapping? userMapping)
    {
        var columns = table.Header ?? Enumerable.Range(0, table.FieldCount).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
        bool kaggle = table.Header is { Length: 4 } h && h.SequenceEqual(KaggleHeader, StringComparer.OrdinalIgnoreCase);
        int textIndex = ResolveColumn(path, options.TextColumn, "text", columns, table.Header is not null, TextNames, 0);
        int labelIndex = ResolveColumn(path, options.LabelColumn, "label", columns, table.Header is not null, LabelNames, columns.Length - 1);
        if (textIndex == labelIndex)
            throw new InvalidSettingException(nameof(DataLoadOptions.TextColumn), $"{path}: text and label are both column '{columns[textIndex]}'.", nameof(DataLoadOptions.LabelColumn));

        var kept = new List<(string Text, string Raw, int Line)>();
        int missing = 0;
        foreach (var (cells, line) in table.Rows)
        {
            var t = textIndex < cells.Length ? cells[textIndex] : "";
            var raw = labelIndex < cells.Length ? cells[labelIndex].Trim() : "";
            if (string.IsNullOrWhiteSpace(t) || raw.Length == 0) { missing++; continue; }
            kept.Add((t, raw, line));
        }
        if (kept.Count == 0)
            throw new UserInputException($"{path}: no row has both a text (column '{columns[textIndex]}') and a label (column '{columns[labelIndex]}').");
        var anomalies = table.Delimiter is char delimiter
            ? ReaderAnomalies.Find(table.Rows, table.FieldCount, delimiter, labelIndex, kept.Select(k => k.Raw).ToHashSet(StringComparer.Ordinal))
            : ReaderAnomalies.None;
        anomalies.Check(path, table.Rows.Count, table.FieldCount);

        var mapping = userMapping ?? (kaggle ? LabelMapping.KagglePpkmDefault : InferMapping(path, kept.Select(k => k.Raw), columns[labelIndex]));
        var rows = new List<LabelledText>(kept.Count);
        foreach (var (t, raw, line) in kept)
        {
            if (!mapping.TryGetClassId(raw, out var id))
                throw new UserInputException(
                    $"{path}: line {line}: unknown label '{raw}' in column '{columns[labelIndex]}'; known values: {string.Join(", ", mapping.RawToName.Select(p => p.Key))} ({mapping.Description}).");
            rows.Add(new LabelledText(t, id, line));
        }
        return new LoadedDataset(new TextClassificationDataset(rows, mapping.ClassNames, path), table.Format, table.Delimiter,
            table.Header is not null && table.Format == DataFormat.Delimited, columns, columns[textIndex], columns[labelIndex], mapping, table.Rows.Count, missing)
        {
            Anomalies = anomalies,
        };
    }

    private static int ResolveColumn(string path, string? requested, string role, string[] columns, bool hasHeader, string[] knownNames, int fallback) =>
        DelimitedSniffing.ResolveColumn(path, requested, role, columns, hasHeader, knownNames, fallback);

    private static LabelMapping InferMapping(string path, IEnumerable<string> raws, string column)
    {
        var distinct = raws.Distinct(StringComparer.Ordinal).ToList();
        if (distinct.Count > MaxInferredClasses)
            throw new InvalidSettingException(nameof(DataLoadOptions.LabelColumn), $"{path}: label column '{column}' has {distinct.Count} distinct values; is it the label column?");
        if (distinct.Count < 2)
            throw new UserInputException($"{path}: label column '{column}' has a single value '{distinct[0]}'; {LabelMapping.TwoClassesRule}.");
        bool numeric = distinct.All(d => long.TryParse(d, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _));
        var ordered = numeric ? distinct.OrderBy(d => long.Parse(d, CultureInfo.InvariantCulture)).ToList() : distinct.OrderBy(d => d, StringComparer.Ordinal).ToList();
        var pairs = ordered.Select(d => new KeyValuePair<string, string>(d, d)).ToList();
        return numeric
            ? LabelMapping.Create(pairs, LabelMappingSource.RawValues, $"no mapping given: the raw values of '{column}' are used as class names; pass --labels (e.g. {string.Join(",", ordered.Select(o => o + "=NAME"))}) to name them")
            : LabelMapping.Create(pairs, LabelMappingSource.NamesInFile, $"class names as written in column '{column}'");
    }
}
