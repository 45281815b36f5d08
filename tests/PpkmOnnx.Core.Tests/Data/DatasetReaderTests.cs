using System.Text;
using PpkmOnnx.Core.Data;
using PpkmOnnx.Tests.Common;

namespace PpkmOnnx.Core.Tests.Data;

public sealed class DatasetReaderTests
{
    private const string IFestLabels = "1=negative,2=neutral,3=positive";

    private static LoadedDataset Read(string path, string? labels = null, string? text = null, string? label = null) =>
        DatasetReader.Read(new DataLoadOptions { Path = path, Labels = labels, TextColumn = text, LabelColumn = label });

    // Reference counts: /work/shared/data/SOURCES.md (computed with Python's csv module).
    [SkippableFact]
    public void IFestSheet1_MatchesSourcesCounts_AndKeepsMultiLineFields()
    {
        var loaded = Read(TestPaths.SharedFile("data", "ifest2021_ppkm", "data_latih_sheet1_train.csv"), IFestLabels);
        Assert.Equal(',', loaded.Delimiter);
        Assert.True(loaded.HasHeader);
        Assert.Equal(["Tweet", "Class"], loaded.Columns);
        Assert.Equal(9813, loaded.RowsRead);
        Assert.Equal(0, loaded.MissingDropped);
        Assert.Equal(["negative", "neutral", "positive"], loaded.Dataset.LabelNames);
        Assert.Equal([4500, 4029, 1284], loaded.Dataset.ClassCounts());
        Assert.Equal(LabelMappingSource.User, loaded.Labels.Source);
        // Third record (file head): a quoted tweet with a blank line inside; it starts on line 4, the next on line 7.
        var third = loaded.Dataset.Rows[2];
        Assert.Equal("@bertanyarl Di rumah aja soalnya lagi ppkm\n\nEntah bakal ngapain", third.Text);
        Assert.Equal(4, third.SourceLine);
        Assert.Equal(1, third.Label); // 2 = neutral
        Assert.Equal(7, loaded.Dataset.Rows[3].SourceLine);
        Assert.Equal(0, loaded.Dataset.Rows[3].Label); // 1 = negative
    }

    [SkippableFact]
    public void IFestSheet1_Cleaning_MatchesSourcesDuplicatesAndConflicts()
    {
        var loaded = Read(TestPaths.SharedFile("data", "ifest2021_ppkm", "data_latih_sheet1_train.csv"), IFestLabels);
        var drop = DatasetCleaner.Clean(loaded.Dataset, ConflictPolicy.DropAll).Report;
        Assert.Equal(199, drop.ExactDuplicatesDropped);
        Assert.Equal(25, drop.ConflictingTexts);
        // 25 conflicting texts × 2 labels after de-duplication (checked with Python): 9813 − 199 − 50.
        Assert.Equal(50, drop.ConflictRowsDropped);
        Assert.Equal(9564, drop.RowsKept);
        var keep = DatasetCleaner.Clean(loaded.Dataset, ConflictPolicy.Keep).Report;
        Assert.Equal(0, keep.ConflictRowsDropped);
        Assert.Equal(25, keep.ConflictingTexts);
        Assert.Equal(9614, keep.RowsKept);
    }

    [SkippableFact]
    public void IFestSheet2_ContentLabelHeader()
    {
        var loaded = Read(TestPaths.SharedFile("data", "ifest2021_ppkm", "data_latih_sheet2.csv"), IFestLabels);
        Assert.Equal("Content", loaded.TextColumn);
        Assert.Equal("Label", loaded.LabelColumn);
        Assert.Equal([613, 338, 105], loaded.Dataset.ClassCounts());
    }

    [SkippableFact]
    public void IFest_WithoutLabels_UsesRawValuesAndSaysSo()
    {
        var loaded = Read(TestPaths.SharedFile("data", "ifest2021_ppkm", "data_latih_sheet2.csv"));
        Assert.Equal(["1", "2", "3"], loaded.Dataset.LabelNames);
        Assert.Equal(LabelMappingSource.RawValues, loaded.Labels.Source);
        Assert.Contains("--labels", loaded.Labels.Description);
    }

    [SkippableFact]
    public void SmsaTrain_HeaderlessTsv()
    {
        var loaded = Read(TestPaths.SharedFile("data", "smsa", "train_preprocess.tsv"));
        Assert.False(loaded.HasHeader);
        Assert.Equal('\t', loaded.Delimiter);
        Assert.Equal(11000, loaded.RowsRead);
        Assert.Equal(["negative", "neutral", "positive"], loaded.Dataset.LabelNames);
        Assert.Equal([3436, 1148, 6416], loaded.Dataset.ClassCounts());
        Assert.Equal(LabelMappingSource.NamesInFile, loaded.Labels.Source);
        Assert.Equal(1, loaded.Dataset.Rows[0].SourceLine);
        Assert.Equal(67, DatasetCleaner.Clean(loaded.Dataset).Report.ExactDuplicatesDropped);
    }

    [SkippableFact]
    public void SmsaTest_AllRowsRead()
    {
        var loaded = Read(TestPaths.SharedFile("data", "smsa", "test_preprocess.tsv"));
        Assert.Equal([204, 88, 208], loaded.Dataset.ClassCounts());
    }

    private const string KaggleFile =
        "Date\tUser\tTweet\tsentiment\n" +
        "2022-03-31 14:32:04+00:00\tpikobar_jabar\tKetahui informasi pembagian #PPKM di wilayah Jabar, level 3, 2 dan 1 https://t.co/o2RnI7eDue\t1\n" +
        "2022-03-31 09:26:00+00:00\tuser_a\tppkm lagi \"katanya\" cuma 2 minggu 😤\t2\n" +
        "2022-03-30 11:28:57+00:00\tuser_b\tdia bilang \"aman kok, alhamdulillah\t0\n" +
        "2022-03-30 10:00:00+00:00\tuser_c\t\t1\n" +
        "2022-03-30 09:00:00+00:00\tuser_d\t\"Tetap di rumah\" kata pak RT\t1\n";

    [Fact]
    public void KaggleFormat_ReadAsIs_WithBuiltInMappingNamed()
    {
        using var tmp = TestPaths.NewTempFolder();
        var path = tmp.Combine("INA_TweetsPPKM_Labeled_Pure.csv");
        File.WriteAllText(path, KaggleFile, new UTF8Encoding(false));
        var loaded = Read(path);
        Assert.Equal('\t', loaded.Delimiter);
        Assert.Equal("Tweet", loaded.TextColumn);
        Assert.Equal("sentiment", loaded.LabelColumn);
        Assert.Equal(LabelMappingSource.BuiltInDefault, loaded.Labels.Source);
        Assert.Equal("0=positive, 1=neutral, 2=negative", loaded.Labels.Describe());
        Assert.Contains("Kaggle", loaded.Labels.Description);
        Assert.Equal(["negative", "neutral", "positive"], loaded.Dataset.LabelNames);
        Assert.Equal(5, loaded.RowsRead);
        Assert.Equal(1, loaded.MissingDropped); // empty tweet
        var rows = loaded.Dataset.Rows;
        Assert.Equal(4, rows.Count);
        Assert.Equal(1, rows[0].Label); // 1 = neutral
        Assert.Equal(0, rows[1].Label); // 2 = negative
        Assert.Equal(2, rows[2].Label); // 0 = positive
        // Quotes inside tab-separated tweets are text, not field delimiters (pandas reads them the same way).
        Assert.Equal("ppkm lagi \"katanya\" cuma 2 minggu 😤", rows[1].Text);
        Assert.Equal("dia bilang \"aman kok, alhamdulillah", rows[2].Text);
        Assert.Equal(4, rows[2].SourceLine);
        Assert.Equal("\"Tetap di rumah\" kata pak RT", rows[3].Text);
        Assert.Equal(6, rows[3].SourceLine);
    }

    [Fact]
    public void KaggleFormat_UserMappingOverridesDefault()
    {
        using var tmp = TestPaths.NewTempFolder();
        var path = tmp.Combine("k.csv");
        File.WriteAllText(path, KaggleFile);
        var loaded = Read(path, "0=negative,1=neutral,2=positive");
        Assert.Equal(LabelMappingSource.User, loaded.Labels.Source);
        Assert.Equal([1, 2, 0, 1], loaded.Dataset.Rows.Select(r => r.Label));
    }

    [Fact]
    public void JsonLines_StringAndNumericLabels()
    {
        using var tmp = TestPaths.NewTempFolder();
        var path = tmp.Combine("d.jsonl");
        File.WriteAllText(path, "{\"text\":\"bagus sekali\",\"label\":\"positive\"}\n\n{\"text\":\"jelek\",\"label\":\"negative\",\"id\":7}\n{\"text\":\"biasa\",\"label\":\"neutral\"}\n");
        var loaded = Read(path);
        Assert.Equal(DataFormat.JsonLines, loaded.Format);
        Assert.Equal(["text", "label", "id"], loaded.Columns);
        Assert.Equal([2, 0, 1], loaded.Dataset.Rows.Select(r => r.Label));
        Assert.Equal([1, 3, 4], loaded.Dataset.Rows.Select(r => r.SourceLine));

        var numeric = tmp.Combine("n.jsonl");
        File.WriteAllText(numeric, "{\"kalimat\":\"a\",\"y\":1}\n{\"kalimat\":\"b\",\"y\":3}\n");
        var n = Read(numeric, IFestLabels, label: "y");
        Assert.Equal([0, 2], n.Dataset.Rows.Select(r => r.Label));
        Assert.Equal("kalimat", n.TextColumn);
    }

    [Fact]
    public void Columns_ByNameOrIndex_AndSemicolonDelimiter()
    {
        using var tmp = TestPaths.NewTempFolder();
        var path = tmp.Combine("d.csv");
        File.WriteAllText(path, "id;komentar;kelas\n1;bagus;pos\n2;jelek;neg\n");
        var byName = Read(path, "pos=positive,neg=negative", "komentar", "kelas");
        var byIndex = Read(path, "pos=positive,neg=negative", "1", "2");
        Assert.Equal(';', byName.Delimiter);
        Assert.Equal(["bagus", "jelek"], byName.Dataset.Rows.Select(r => r.Text));
        Assert.Equal(byName.Dataset.Rows.Select(r => (r.Text, r.Label)), byIndex.Dataset.Rows.Select(r => (r.Text, r.Label)));
        Assert.Equal(["negative", "positive"], byName.Dataset.LabelNames);

        var crlf = tmp.Combine("crlf.csv");
        File.WriteAllText(crlf, "text,label\r\n\"dua\r\nbaris\",pos\r\nsatu,neg\r\n");
        var windows = Read(crlf, "pos=positive,neg=negative");
        Assert.Equal(["dua\r\nbaris", "satu"], windows.Dataset.Rows.Select(r => r.Text));
        Assert.Equal([2, 4], windows.Dataset.Rows.Select(r => r.SourceLine));
    }

    [Fact]
    public void UserNamesOutsideSentiment_KeepMappingOrder()
    {
        var mapping = LabelMapping.Parse("b=zeta, a=alpha");
        Assert.Equal(["zeta", "alpha"], mapping.ClassNames);
        Assert.True(mapping.TryGetClassId("a", out var id));
        Assert.Equal(1, id);
    }

    [Theory]
    [InlineData("1negative", "'1negative' is not RAW=NAME (expected e.g. 1=negative,2=neutral,3=positive).")]
    [InlineData("1=negative,1=positive", "raw value '1' is mapped twice.")]
    [InlineData("1=negative", "'1=negative' names fewer than 2 classes (expected e.g. 1=negative,2=neutral,3=positive).")]
    [InlineData("positive=x,negative=x,neutral=x", "'positive=x,negative=x,neutral=x' maps every value to the single class 'x'; a classifier needs at least 2 classes.")]
    public void MalformedLabels_Throw(string labels, string problem)
    {
        // The library names its setting (DataLoadOptions.Labels); the command line words it as --labels (Cli tests).
        var e = Assert.Throws<InvalidSettingException>(() => LabelMapping.Parse(labels));
        Assert.Equal((nameof(DataLoadOptions.Labels), problem), (e.Setting, e.Problem));
        Assert.Equal($"Labels: {problem}", e.Message);
    }

    // ---- bad input: one line naming the file, the line and the problem ----

    private static T Fails<T>(string path, string? labels = null, string? text = null, string? label = null) where T : Exception
    {
        var e = Assert.Throws<T>(() => Read(path, labels, text, label));
        Assert.DoesNotContain('\n', e.Message);
        Assert.StartsWith(path, e.Message);
        return e;
    }

    [Fact]
    public void MissingFile()
    {
        using var tmp = TestPaths.NewTempFolder();
        var e = Fails<UserInputException>(tmp.Combine("nope.tsv"));
        Assert.EndsWith("file not found.", e.Message);
    }

    [Fact]
    public void UnknownColumn_ListsAvailable()
    {
        using var tmp = TestPaths.NewTempFolder();
        var path = tmp.Combine("d.csv");
        File.WriteAllText(path, "Tweet,Class\nx,1\ny,2\n");
        var e = Fails<UserInputException>(path, IFestLabels, text: "tweets");
        Assert.Contains("unknown text column 'tweets'", e.Message);
        Assert.Contains("'Tweet', 'Class'", e.Message);
        var index = Fails<UserInputException>(path, IFestLabels, label: "5");
        Assert.Contains("label column index 5 is out of range", index.Message);
    }

    [Fact]
    public void UnknownLabel_NamesValueLineAndKnownValues()
    {
        using var tmp = TestPaths.NewTempFolder();
        var path = tmp.Combine("d.csv");
        File.WriteAllText(path, "Tweet,Class\nsatu,1\n\"dua\nbaris\",2\ntiga,4\n");
        var e = Fails<UserInputException>(path, IFestLabels);
        Assert.Contains("line 5: unknown label '4' in column 'Class'", e.Message);
        Assert.Contains("known values: 1, 2, 3", e.Message);
    }

    [Fact]
    public void EmptyFiles()
    {
        using var tmp = TestPaths.NewTempFolder();
        var empty = tmp.Combine("empty.tsv");
        File.WriteAllBytes(empty, []);
        Assert.EndsWith("the file is empty.", Fails<UserInputException>(empty).Message);
        var blank = tmp.Combine("blank.csv");
        File.WriteAllText(blank, "\n  \n\n");
        Assert.EndsWith("the file is empty.", Fails<UserInputException>(blank).Message);
        var headerOnly = tmp.Combine("header.csv");
        File.WriteAllText(headerOnly, "text,label\n");
        Assert.Contains("header but no data rows", Fails<UserInputException>(headerOnly).Message);
    }

    [Fact]
    public void BinaryGarbage_NamesLineOfNulByte()
    {
        using var tmp = TestPaths.NewTempFolder();
        var path = tmp.Combine("model.csv");
        File.WriteAllBytes(path, [.. "text,label\nok,1\n"u8, 0x50, 0x4B, 0x03, 0x00, 0xFF, 0x10]);
        var e = Fails<UserInputException>(path);
        Assert.Contains("line 3: NUL byte", e.Message);
        Assert.Contains("binary", e.Message);
    }

    [Fact]
    public void WrongEncoding_NamesLine()
    {
        using var tmp = TestPaths.NewTempFolder();
        var path = tmp.Combine("latin1.tsv");
        var latin1 = Encoding.Latin1.GetBytes("text\tlabel\nbagus\tpositive\nkafé jelek\tnegative\n");
        File.WriteAllBytes(path, latin1);
        var e = Fails<UserInputException>(path);
        Assert.Contains("line 3: invalid UTF-8 (byte 0xE9", e.Message);
        Assert.Contains("save it as UTF-8", e.Message);

        var utf16 = tmp.Combine("utf16.tsv");
        File.WriteAllText(utf16, "text\tlabel\nx\tpositive\n", Encoding.Unicode);
        Assert.Contains("UTF-16", Fails<UserInputException>(utf16).Message);
    }

    [Fact]
    public void Utf8Bom_IsAccepted()
    {
        using var tmp = TestPaths.NewTempFolder();
        var path = tmp.Combine("bom.csv");
        File.WriteAllText(path, "text,label\nbagus,positive\njelek,negative\n", new UTF8Encoding(true));
        var loaded = Read(path);
        Assert.Equal("text", loaded.Columns[0]);
        Assert.Equal(2, loaded.Dataset.Rows.Count);
    }

    [Fact]
    public void MalformedJsonLine_NamesLine()
    {
        using var tmp = TestPaths.NewTempFolder();
        var path = tmp.Combine("d.jsonl");
        File.WriteAllText(path, "{\"text\":\"a\",\"label\":\"positive\"}\n{\"text\":\"b\",\"label\":\n");
        Assert.Contains("line 2: not a JSON object", Fails<UserInputException>(path).Message);
    }
}
