using PpkmOnnx.Core.Data;
using PpkmOnnx.Tests.Common;

namespace PpkmOnnx.Core.Tests.Data;

/// <summary>
/// Reader anomalies on hand-written files: a stray quote that swallows the rest of the file fails the read naming its
/// line (it read as 11 rows of 100, exit 0, before), ragged rows are counted and fail the read above 1 %, and the real
/// IFest files (1,400 genuine multi-line tweets) show none.
/// </summary>
public sealed class ReaderAnomaliesTests : IDisposable
{
    private readonly TempFolder _tmp = TestPaths.NewTempFolder();

    public void Dispose() => _tmp.Dispose();

    private static LoadedDataset Read(string path) => DatasetReader.Read(new DataLoadOptions { Path = path, Labels = "1=negative,2=neutral,3=positive" });

    // Header line 1; data row i (1-based) on line i + 1, label cycling 1, 2, 3.
    private string Write(string name, int rows, Func<int, string?>? replace = null)
    {
        var lines = new List<string> { "Tweet,Class" };
        for (int i = 1; i <= rows; i++) lines.Add(replace?.Invoke(i) ?? $"tweet nomor {i} tentang ppkm,{(i - 1) % 3 + 1}");
        var path = _tmp.Combine(name);
        File.WriteAllText(path, string.Join("\n", lines) + "\n");
        return path;
    }

    [Fact]
    public void An_unbalanced_quote_that_swallows_rows_is_an_error_naming_file_and_line()
    {
        // Row 11 (line 12) opens a quote that never closes: rows 11..100 all end up in one field.
        var path = Write("unbalanced.csv", 100, i => i == 11 ? "\"tweet nomor 11 tanpa tutup,2" : null);
        var e = Assert.Throws<UserInputException>(() => Read(path));
        Assert.StartsWith($"{path}: line 12: a quoted field starting in this row runs over 90 line(s) that look like rows of their own", e.Message);
    }

    [Fact]
    public void A_quote_that_swallows_a_single_row_is_caught_too()
    {
        // Row 5's quote closes at the end of row 6's text: row 6 is lost into row 5's text.
        var path = Write("one.csv", 10, i => i switch { 5 => "\"tweet nomor 5,1", 6 => "tweet nomor 6\",2", _ => null });
        var e = Assert.Throws<UserInputException>(() => Read(path));
        Assert.Contains("line 6: a quoted field starting in this row runs over 1 line(s)", e.Message);
    }

    [Fact]
    public void Genuine_multi_line_quoted_tweets_are_no_anomaly()
    {
        var path = Write("multiline.csv", 10, i => i == 4 ? "\"baris satu\nbaris dua, masih tweet\nbaris tiga\",3" : null);
        var loaded = Read(path);
        Assert.Equal(10, loaded.Dataset.Rows.Count);
        Assert.False(loaded.Anomalies.Any);
        Assert.Null(loaded.Anomalies.Describe());
    }

    [Fact]
    public void Ragged_rows_are_counted_below_one_percent_and_an_error_above()
    {
        // 1 ragged row of 200 (0.5 %): read, counted, first line named.
        var few = Write("few.csv", 200, i => i == 50 ? "tweet nomor 50,2,sisa" : null);
        var loaded = Read(few);
        Assert.Equal(200, loaded.Dataset.Rows.Count);
        Assert.Equal(new ReaderAnomalies(1, 51, 0, 0, 0), loaded.Anomalies);
        Assert.Equal("1 ragged row(s) (first at line 51), 0 quote(s) swallowing rows", loaded.Anomalies.Describe());

        // 3 of 200 (1.5 %): the delimiter or quoting is off; an error naming the first.
        var many = Write("many.csv", 200, i => i is 20 or 40 or 60 ? $"tweet nomor {i},1,sisa" : null);
        var e = Assert.Throws<UserInputException>(() => Read(many));
        Assert.StartsWith($"{many}: line 21: 3 of 200 rows have another number of fields than the first row's 2", e.Message);
    }

    [SkippableFact]
    public void The_IFest_files_multi_line_tweets_are_no_anomaly()
    {
        foreach (var file in new[] { "data_latih_sheet1_train.csv", "data_latih_sheet2.csv" })
        {
            var loaded = Read(TestPaths.SharedFile("data", "ifest2021_ppkm", file));
            Assert.Equal(ReaderAnomalies.None, loaded.Anomalies);
        }
    }
}
