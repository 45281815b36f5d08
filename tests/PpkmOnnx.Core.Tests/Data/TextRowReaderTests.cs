using System.Text;
using PpkmOnnx.Core.Data;
using PpkmOnnx.Tests.Common;

namespace PpkmOnnx.Core.Tests.Data;

public sealed class TextRowReaderTests
{
    private static List<TextRow> ReadAll(string path, TextRowReaderOptions? options = null)
    {
        using var reader = TextRowReader.Open(path, options);
        return reader.ReadRows().ToList();
    }

    // The streaming reader must see the same texts on the same lines as the whole-file reader, also when its detection
    // sample (here 4 KiB) is a small prefix of the file and cuts through quoted multi-line tweets.
    [SkippableFact]
    public void IFestSheet1_SameTextsAndLinesAsDatasetReader()
    {
        var path = TestPaths.SharedFile("data", "ifest2021_ppkm", "data_latih_sheet1_train.csv");
        var loaded = DatasetReader.Read(new DataLoadOptions { Path = path, Labels = "1=negative,2=neutral,3=positive" });
        using var reader = TextRowReader.Open(path, new TextRowReaderOptions { SampleChars = 4096 });
        var rows = reader.ReadRows().ToList();
        Assert.Equal(',', reader.Delimiter);
        Assert.True(reader.HasHeader);
        Assert.Equal("Tweet", reader.TextColumn);
        Assert.Equal(loaded.Dataset.Rows.Select(r => (r.Text, (long)r.SourceLine)), rows.Select(r => (r.Text, r.Line)));
        Assert.Equal(Enumerable.Range(1, rows.Count).Select(i => (long)i), rows.Select(r => r.Row));
        Assert.Equal(0, reader.EmptyRowsSkipped);
    }

    [Fact]
    public async Task A_pipe_is_refused_in_one_line_because_the_reader_reads_its_input_twice()
    {
        using var temp = TestPaths.NewTempFolder();
        var fifo = temp.Combine("texts.csv");
        if (!Fifo.TryCreate(fifo)) return; // no mkfifo here
        var writer = Task.Run(() =>
        {
            try { File.WriteAllText(fifo, "text\nhalo\n"); } catch (IOException) { } // the reader may close first (broken pipe)
        });
        var e = Assert.Throws<UserInputException>(() => TextRowReader.Open(fifo));
        Assert.Equal($"{fifo}: is a pipe or device, not a file; pass - to read lines from standard input, or save it to a file first.", e.Message);
        await writer.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public void Standard_input_drops_a_byte_order_mark_and_refuses_invalid_utf8_as_a_file_would()
    {
        var withBom = new MemoryStream([0xEF, 0xBB, 0xBF, .. "halo semua\nppkm lagi\n"u8]);
        using (var reader = TextRowReader.OpenLines(TextRowReader.StrictUtf8Reader(withBom), "stdin"))
            Assert.Equal(["halo semua", "ppkm lagi"], reader.ReadRows().Select(r => r.Text));

        var invalid = new MemoryStream([.. "halo\n"u8, 0xFF, .. " semua\n"u8]);
        using var strict = TextRowReader.OpenLines(TextRowReader.StrictUtf8Reader(invalid), "stdin");
        var e = Assert.Throws<UserInputException>(() => strict.ReadRows().ToList());
        Assert.StartsWith("stdin: invalid UTF-8 at or after line ", e.Message);
    }

    [Fact]
    public void TabSeparated_LoneQuote_ReadQuoteBlindLikeDatasetReader()
    {
        using var tmp = TestPaths.NewTempFolder();
        var path = tmp.Combine("tweets.tsv");
        File.WriteAllText(path, "tweet\tsentiment\nkata \"ppkm lagi\t0\nbagus sekali\t1\n\"dikutip\" saja\t2\n");
        var expected = DatasetReader.Read(new DataLoadOptions { Path = path }).Dataset.Rows.Select(r => r.Text).ToList();
        using var reader = TextRowReader.Open(path);
        Assert.False(reader.QuotesParsed);
        Assert.Equal(["kata \"ppkm lagi", "bagus sekali", "\"dikutip\" saja"], expected);
        Assert.Equal(expected, reader.ReadRows().Select(r => r.Text));
    }

    [Fact]
    public void TabSeparated_QuotedMultiLineField_KeepsQuotes()
    {
        using var tmp = TestPaths.NewTempFolder();
        var path = tmp.Combine("written.tsv");
        TsvDatasetWriter.Write(path, new TextClassificationDataset([new("satu\ndua", 0), new("tiga \"empat\"", 1), new("lima", 0)], ["a", "b"], "x"));
        using var reader = TextRowReader.Open(path);
        Assert.True(reader.QuotesParsed);
        var rows = reader.ReadRows().ToList();
        Assert.Equal(["satu\ndua", "tiga \"empat\"", "lima"], rows.Select(r => r.Text));
        Assert.Equal([2L, 4, 5], rows.Select(r => r.Line));
    }

    [Fact]
    public void JsonLines_TextField_SkipsAndCountsEmptyTexts()
    {
        using var tmp = TestPaths.NewTempFolder();
        var path = tmp.Combine("in.jsonl");
        File.WriteAllText(path, "{\"id\": 7, \"text\": \"bagus\"}\n\n{\"id\": 8, \"text\": \"  \"}\n{\"id\": 9}\n{\"id\": 10, \"text\": \"jelek\"}\n");
        using var reader = TextRowReader.Open(path);
        var rows = reader.ReadRows().ToList();
        Assert.Equal(DataFormat.JsonLines, reader.Format);
        Assert.Equal(["bagus", "jelek"], rows.Select(r => r.Text));
        Assert.Equal([1L, 4], rows.Select(r => r.Row));
        Assert.Equal([1L, 5], rows.Select(r => r.Line));
        Assert.Equal(2, reader.EmptyRowsSkipped);
    }

    [Fact]
    public void UnknownTextColumn_ListsColumns()
    {
        using var tmp = TestPaths.NewTempFolder();
        var path = tmp.Combine("in.csv");
        File.WriteAllText(path, "id,tweet\n1,bagus\n");
        var e = Assert.Throws<UserInputException>(() => TextRowReader.Open(path, new TextRowReaderOptions { TextColumn = "body" }));
        Assert.Equal($"{path}: unknown text column 'body'; available columns: 'id', 'tweet'.", e.Message);
    }

    [Fact]
    public void InvalidUtf8BeyondTheSample_FailsWhileReading_NamingTheLine()
    {
        using var tmp = TestPaths.NewTempFolder();
        var path = tmp.Combine("in.csv");
        var text = new StringBuilder("text,id\n");
        for (int i = 0; i < 300; i++) text.Append("tweet nomor ").Append(i).Append(',').Append(i).Append('\n');
        var bytes = Encoding.UTF8.GetBytes(text.ToString()).Concat(Encoding.Latin1.GetBytes("caf\u00e9,300\n")).ToArray();
        File.WriteAllBytes(path, bytes);
        using var reader = TextRowReader.Open(path, new TextRowReaderOptions { SampleChars = 1024 });
        var e = Assert.Throws<UserInputException>(() => reader.ReadRows().ToList());
        Assert.StartsWith($"{path}: invalid UTF-8 at or after line ", e.Message);
        Assert.EndsWith("save it as UTF-8.", e.Message);
    }

    [Fact]
    public void Utf16File_Rejected()
    {
        using var tmp = TestPaths.NewTempFolder();
        var path = tmp.Combine("in.csv");
        File.WriteAllBytes(path, [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes("text\nbagus\n")]);
        var e = Assert.Throws<UserInputException>(() => TextRowReader.Open(path));
        Assert.Equal($"{path}: line 1: the file is UTF-16 encoded; save it as UTF-8.", e.Message);
    }

    [Fact]
    public void OneColumnFile_QuotedTextsKeepCommas_UnquotedCommaIsAnError()
    {
        using var tmp = TestPaths.NewTempFolder();
        var good = tmp.Combine("good.csv");
        File.WriteAllText(good, "tweet\n\"bagus, sekali\"\njelek\n");
        Assert.Equal(["bagus, sekali", "jelek"], ReadAll(good).Select(r => r.Text));
        var bad = tmp.Combine("bad.csv");
        File.WriteAllText(bad, "tweet\nbagus\nbagus, sekali\n");
        var e = Assert.Throws<UserInputException>(() => ReadAll(bad));
        Assert.StartsWith($"{bad}: line 3: 2 fields in a one-column file", e.Message);
    }
}
