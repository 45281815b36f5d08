using System.Globalization;
using System.Text;
using nietras.SeparatedValues;

namespace PpkmOnnx.Core.Data;

/// <summary>
/// Streams the texts of an unlabelled file with bounded memory: delimited files through Sep (delimiter, header, quoting
/// and text column detected from a leading sample with the same rules as <see cref="DatasetReader"/>), JSON Lines and
/// plain lines through a line reader. Rows whose text is blank are skipped and counted in <see cref="EmptyRowsSkipped"/>.
/// Detection and column errors surface in <see cref="Open"/>; errors further into the file (invalid UTF-8, malformed JSON)
/// surface while <see cref="ReadRows"/> is enumerated, as <see cref="UserInputException"/> naming the file and line.
/// </summary>
public sealed class TextRowReader : IDisposable
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly Stream? _stream;
    private readonly TextReader _reader;
    private readonly int _textIndex;
    private readonly bool _quotes;
    private bool _started;

    private TextRowReader(string source, Stream? stream, TextReader reader, DataFormat format, char? delimiter, bool quotes, bool hasHeader,
        IReadOnlyList<string> columns, int textIndex)
    {
        Source = source;
        _stream = stream;
        _reader = reader;
        Format = format;
        Delimiter = delimiter;
        _quotes = quotes;
        HasHeader = hasHeader;
        Columns = columns;
        _textIndex = textIndex;
    }

    /// <summary>The file path, or the name given to <see cref="OpenLines"/>.</summary>
    public string Source { get; }
    /// <summary>The format read.</summary>
    public DataFormat Format { get; }
    /// <summary>The delimiter of a delimited file, else null.</summary>
    public char? Delimiter { get; }
    /// <summary>False when a tab-separated file is read quote-blind (see <see cref="DatasetReader"/>): quotes are then text.</summary>
    public bool QuotesParsed => _quotes;
    /// <summary>Whether the first row of a delimited file is a header (JSON Lines: property names; plain lines: false).</summary>
    public bool HasHeader { get; }
    /// <summary>Column names (header cells, JSON property names of the first object, or 0-based indices).</summary>
    public IReadOnlyList<string> Columns { get; }
    /// <summary>The column the texts come from, or null for plain lines.</summary>
    public string? TextColumn => Format == DataFormat.PlainLines ? null : Columns[_textIndex];
    /// <summary>Size of the file in bytes, or null for a stream of unknown length.</summary>
    public long? LengthBytes => _stream is { CanSeek: true } s ? s.Length : null;
    /// <summary>Bytes consumed so far (read-ahead buffering included); 0 when unknown.</summary>
    public long BytesRead => _stream is { CanSeek: true } s ? s.Position : 0;
    /// <summary>Rows skipped so far because their text was blank or missing.</summary>
    public long EmptyRowsSkipped { get; private set; }

    /// <summary>Opens <paramref name="path"/> and detects its format, delimiter, header, quoting and text column.</summary>
    /// <exception cref="UserInputException">The file does not exist.</exception>
    /// <exception cref="UserInputException">The file is empty, binary, UTF-16 or not UTF-8, or the text column is unknown (the message lists the columns).</exception>
    public static TextRowReader Open(string path, TextRowReaderOptions? options = null)
    {
        options ??= new TextRowReaderOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.SampleChars, 1024);
        if (!File.Exists(path))
            throw new UserInputException(Directory.Exists(path) ? $"{path}: is a folder, expected a data file." : $"{path}: file not found.");

        var (sample, complete) = ReadSample(path, options.SampleChars);
        if (string.IsNullOrWhiteSpace(sample)) throw new UserInputException($"{path}: the file is empty.");
        // A prefix is cut at its last line end so no row is judged on half of it.
        if (!complete && sample.LastIndexOf('\n') is > 0 and var cut) sample = sample[..(cut + 1)];
        var format = options.Format ?? DetectFormat(path, sample);

        DataFormat kind = format;
        char? delimiter = null;
        bool quotes = true, hasHeader = false;
        string[] columns;
        int textIndex;
        switch (kind)
        {
            case DataFormat.PlainLines:
                columns = ["text"];
                textIndex = 0;
                break;
            case DataFormat.JsonLines:
            {
                using var lines = new StringReader(sample);
                string? first;
                long number = 0;
                do { first = lines.ReadLine(); number++; } while (first is not null && first.Trim().Length == 0);
                columns = JsonLineParsing.ParseObject(path, first!.Trim(), number).Select(p => p.Key).ToArray();
                hasHeader = true;
                textIndex = DelimitedSniffing.ResolveColumn(path, options.TextColumn, "text", columns, hasHeader, DelimitedSniffing.TextNames, 0);
                break;
            }
            default:
            {
                // A first line without any delimiter is a one-column file (texts only): read as CSV, so quoted texts may hold
                // commas and line breaks, and an unquoted comma further down is an error rather than a silently cut text.
                char d = options.Delimiter ?? DelimitedSniffing.TryDetectDelimiter(DelimitedSniffing.FirstLine(sample)) ?? ',';
                var rows = DelimitedSniffing.Parse(sample, d, quotes: true);
                quotes = rows.Count == 0 || DelimitedSniffing.ParseQuotes(sample, d, rows);
                if (!quotes) rows = DelimitedSniffing.Parse(sample, d, quotes: false);
                if (rows.Count == 0) throw new UserInputException($"{path}: the file is empty.");
                var firstCells = rows[0].Cells.Select(c => c.Trim()).ToArray();
                hasHeader = options.HasHeader ?? DelimitedSniffing.NamesKnownColumns(firstCells, options.TextColumn);
                if (hasHeader && rows.Count == 1 && complete)
                    throw new UserInputException($"{path}: line 2: the file has a header but no data rows.");
                columns = hasHeader ? firstCells : Enumerable.Range(0, firstCells.Length).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
                textIndex = DelimitedSniffing.ResolveColumn(path, options.TextColumn, "text", columns, hasHeader, DelimitedSniffing.TextNames, 0);
                delimiter = d;
                break;
            }
        }
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        SkipUtf8Bom(stream);
        var reader = new StreamReader(stream, StrictUtf8, detectEncodingFromByteOrderMarks: false, bufferSize: 1 << 16);
        return new TextRowReader(path, stream, reader, kind, delimiter, quotes, hasHeader, columns, textIndex);
    }

    /// <summary>
    /// Reads plain lines (one text each, no header) from <paramref name="reader"/>, e.g. standard input; a leading byte-order
    /// mark is dropped. Give a reader that decodes strictly (<see cref="StrictUtf8Reader"/>) for files' handling of bad bytes.
    /// </summary>
    /// <param name="reader">The lines; disposed with this reader.</param>
    /// <param name="source">The name used in messages (e.g. <c>stdin</c>).</param>
    public static TextRowReader OpenLines(TextReader reader, string source)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return new TextRowReader(source, null, reader, DataFormat.PlainLines, null, true, false, ["text"], 0);
    }

    /// <summary>Every text of <paramref name="path"/> in file order, the file's format and text column detected as <see cref="Open"/> does.</summary>
    /// <exception cref="UserInputException">The file cannot be read as texts.</exception>
    public static List<string> ReadAllTexts(string path)
    {
        using var reader = Open(path);
        return reader.ReadRows().Select(r => r.Text).ToList();
    }

    /// <summary>The rows in file order, read as they are enumerated; enumerate once.</summary>
    /// <exception cref="InvalidOperationException">Enumerated a second time.</exception>
    public IEnumerable<TextRow> ReadRows()
    {
        if (_started) throw new InvalidOperationException("ReadRows can be enumerated only once.");
        _started = true;
        return Format == DataFormat.Delimited ? ReadDelimited() : ReadLines();
    }

    private IEnumerable<TextRow> ReadDelimited()
    {
        long row = 0, line = 1;
        SepReader sep;
        // Sep reads its first buffer while it is created, so decoding can already fail here.
        try { sep = DelimitedSniffing.ReaderOptions(Delimiter!.Value, _quotes).From(_reader); }
        catch (DecoderFallbackException e) { throw InvalidUtf8(line, e); }
        using var rowsReader = sep;
        bool headerPending = HasHeader;
        while (true)
        {
            string text;
            try
            {
                if (!sep.MoveNext()) yield break;
                var current = sep.Current;
                if (DelimitedSniffing.IsBlank(current)) continue;
                line = DelimitedSniffing.LineOf(current);
                if (headerPending) { headerPending = false; continue; }
                if (Columns.Count == 1 && current.ColCount > 1)
                    throw new UserInputException(
                        $"{Source}: line {line}: {current.ColCount} fields in a one-column file (an unquoted '{Delimiter}'?); quote the text, or give one text a line in a .txt file.");
                text = _textIndex < current.ColCount ? current[_textIndex].ToString() : "";
            }
            catch (DecoderFallbackException e)
            {
                throw InvalidUtf8(line, e);
            }
            row++;
            if (string.IsNullOrWhiteSpace(text)) { EmptyRowsSkipped++; continue; }
            yield return new TextRow(text, row, line);
        }
    }

    private IEnumerable<TextRow> ReadLines()
    {
        long row = 0, line = 0;
        string? textName = Format == DataFormat.JsonLines ? Columns[_textIndex] : null;
        while (true)
        {
            string? current;
            try { current = _reader.ReadLine(); }
            catch (DecoderFallbackException e) { throw InvalidUtf8(line + 1, e); }
            if (current is null) yield break;
            line++;
            // A file's byte-order mark is skipped before decoding; a stream's (standard input) reaches us as U+FEFF.
            if (line == 1 && current.StartsWith('\uFEFF')) current = current[1..];
            if (current.Trim().Length == 0)
            {
                // A blank line is an empty text in plain lines, and only spacing between JSON objects.
                if (Format == DataFormat.PlainLines) { row++; EmptyRowsSkipped++; }
                continue;
            }
            if (line == 1 && current.Contains('\0'))
                throw new UserInputException($"{Source}: line 1: NUL byte: this is binary data (or UTF-16), not UTF-8 text.");
            row++;
            var text = current;
            if (textName is not null)
            {
                text = "";
                foreach (var (name, value) in JsonLineParsing.ParseObject(Source, current.Trim(), line))
                    if (name == textName) { text = value ?? ""; break; }
            }
            if (string.IsNullOrWhiteSpace(text)) { EmptyRowsSkipped++; continue; }
            yield return new TextRow(text, row, line);
        }
    }

    /// <summary>
    /// A reader of <paramref name="stream"/> that refuses invalid UTF-8 (a <see cref="DecoderFallbackException"/>, which the
    /// rows' reading turns into a one-line error) as files are refused, instead of the console's silent U+FFFD.
    /// </summary>
    public static TextReader StrictUtf8Reader(Stream stream) =>
        new StreamReader(stream, StrictUtf8, detectEncodingFromByteOrderMarks: false, bufferSize: 1 << 16);

    private UserInputException InvalidUtf8(long line, Exception e) =>
        // Decoding runs a buffer ahead of parsing, so the last line parsed is a lower bound of where the bad bytes are.
        new($"{Source}: invalid UTF-8 at or after line {line}: the file is in another encoding (e.g. Windows-1252 or Latin-1); save it as UTF-8.", e);

    private static (string Sample, bool Complete) ReadSample(string path, int sampleChars)
    {
        using var stream = File.OpenRead(path);
        // The file is read twice (this sample, then the rows), which a pipe or device cannot give: its first read consumes it.
        if (!stream.CanSeek)
            throw new UserInputException(path, null, "is a pipe or device, not a file; pass - to read lines from standard input, or save it to a file first.");
        Span<byte> head = stackalloc byte[2];
        int n = stream.Read(head);
        if (n == 2 && (head[0] == 0xFF && head[1] == 0xFE || head[0] == 0xFE && head[1] == 0xFF))
            throw new UserInputException($"{path}: line 1: the file is UTF-16 encoded; save it as UTF-8.");
        SkipUtf8Bom(stream);
        using var reader = new StreamReader(stream, StrictUtf8, detectEncodingFromByteOrderMarks: false);
        var buffer = new char[sampleChars];
        int read;
        try { read = reader.ReadBlock(buffer, 0, buffer.Length); }
        catch (DecoderFallbackException e)
        {
            throw new UserInputException($"{path}: invalid UTF-8 within the first {sampleChars} characters: the file is in another encoding (e.g. Windows-1252 or Latin-1); save it as UTF-8.", e);
        }
        var sample = new string(buffer, 0, read);
        int nul = sample.IndexOf('\0');
        if (nul >= 0)
            throw new UserInputException($"{path}: line {sample.AsSpan(0, nul).Count('\n') + 1}: NUL byte: this is binary data (or UTF-16 without a byte-order mark), not a UTF-8 text file.");
        return (sample, reader.Peek() < 0);
    }

    // The strict decoder has no preamble, so StreamReader would keep a UTF-8 byte-order mark as U+FEFF in the first cell.
    private static void SkipUtf8Bom(Stream stream)
    {
        Span<byte> head = stackalloc byte[3];
        stream.Position = 0;
        int n = stream.ReadAtLeast(head, 3, throwOnEndOfStream: false);
        stream.Position = n == 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF ? 3 : 0;
    }

    private static DataFormat DetectFormat(string path, string sample)
    {
        if (path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".ndjson", StringComparison.OrdinalIgnoreCase)
            || sample.TrimStart().StartsWith('{'))
            return DataFormat.JsonLines;
        if (path.EndsWith(".txt", StringComparison.OrdinalIgnoreCase)) return DataFormat.PlainLines;
        return DataFormat.Delimited;
    }

    /// <summary>Closes the file or stream.</summary>
    public void Dispose()
    {
        _reader.Dispose();
        _stream?.Dispose();
    }
}
