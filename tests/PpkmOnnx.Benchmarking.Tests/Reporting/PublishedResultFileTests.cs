using PpkmOnnx.Core;
using PpkmOnnx.Benchmarking.Reporting;
using PpkmOnnx.Tests.Common;

namespace PpkmOnnx.Benchmarking.Tests.Reporting;

public class PublishedResultFileTests
{
    [Fact]
    public void Reads_rows_with_optional_text_fields()
    {
        using var temp = TestPaths.NewTempFolder();
        var path = temp.Combine("paper.json");
        File.WriteAllText(path, """
            [{"model": "IndoBERT", "accuracy": 0.891, "precision": 0.89, "recall": 0.891, "f1Score": 0.889, "runningTime": "2h 10m", "trainableParameters": 124000000, "table": "Table 1"},
             {"model": "LSTM", "accuracy": 0.8, "precision": 0.79, "recall": 0.8, "f1Score": 0.78}]
            """);
        var rows = PublishedResultFile.Read(path);
        Assert.Equal(new PublishedResult("IndoBERT", 0.891, 0.89, 0.891, 0.889, "2h 10m", "124000000", "Table 1"), rows[0]);
        Assert.Equal(new PublishedResult("LSTM", 0.8, 0.79, 0.8, 0.78), rows[1]);
    }

    [Theory]
    [InlineData("""{"model": "x"}""", "expected a JSON array")]
    [InlineData("""[{"accuracy": 0.5}]""", "entry 1: missing string field 'model'")]
    [InlineData("""[{"model": "A", "accuracy": 0.5, "precision": 0.5, "recall": 0.5}]""", "entry 1 (A): missing number field 'f1Score'")]
    [InlineData("""[{"model": "A", "accuracy": 89.1, "precision": 0.5, "recall": 0.5, "f1Score": 0.5}]""", "'accuracy' is 89.1; give scores as fractions")]
    public void Bad_rows_are_named(string json, string expected)
    {
        using var temp = TestPaths.NewTempFolder();
        var path = temp.Combine("paper.json");
        File.WriteAllText(path, json);
        var e = Assert.Throws<UserInputException>(() => PublishedResultFile.Read(path));
        Assert.Contains(path, e.Message);
        Assert.Contains(expected, e.Message);
    }

    [SkippableFact]
    public void Reads_the_seed_papers_Table_1_and_Table_2()
    {
        var path = TestPaths.SharedFile("data", "ppkm", "seed_paper_results.json");
        var rows = PublishedResultFile.Read(path);
        // Hand-copied from the paper's tables: case 1 (1,000 rows) is Table 1, case 2 (5,000 rows) Table 2.
        Assert.Equal(
        [
            new PublishedResult("BERT", 0.95, 0.9453, 0.95, 0.9471, "7m 15s", "110,619,651", "Table 1, 1,000 rows"),
            new PublishedResult("BERT", 0.954, 0.9516, 0.954, 0.9504, "35m 40s", "110,619,651", "Table 2, 5,000 rows"),
            new PublishedResult("DistilBERT", 0.938, 0.9321, 0.938, 0.9324, "18m 45s", "135,326,979", "Table 2, 5,000 rows"),
        ], rows);
        var description = PublishedResultFile.Describe(path);
        Assert.StartsWith("seed_paper_results.json (The course paper this project reproduces", description);
        Assert.Contains("their dataset: INA_TweetsPPKM_Labeled_Pure.csv (Kaggle, 23,644 rows)", description);
    }

    [Theory]
    [InlineData("""{"cases": [{"case": 1}]}""", "case entry 1: missing array field 'results'")]
    [InlineData("""{"cases": [{"case": 1, "results": [{"model": "BERT", "accuracy": 95, "precision": 0.9, "recall": 0.9, "f1": 0.9}]}]}""", "'accuracy' is 95; give scores as fractions")]
    [InlineData("""{"cases": [{"case": 2, "results": [{"model": "BERT", "accuracy": 0.9, "precision": 0.9, "recall": 0.9}]}]}""", "case entry 1 (BERT): missing number field 'f1'")]
    [InlineData("""{"source": "x"}""", "expected a JSON array of published rows or an object with \"cases\"")]
    public void Bad_seed_shaped_files_are_named(string json, string expected)
    {
        using var temp = TestPaths.NewTempFolder();
        var path = temp.Combine("seed.json");
        File.WriteAllText(path, json);
        var e = Assert.Throws<UserInputException>(() => PublishedResultFile.Read(path));
        Assert.Contains(path, e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Seed_shape_without_source_or_running_time_keeps_what_it_has()
    {
        using var temp = TestPaths.NewTempFolder();
        var path = temp.Combine("seed.json");
        File.WriteAllText(path, """{"cases": [{"case": 3, "results": [{"model": "X", "accuracy": 0.5, "precision": 0.4, "recall": 0.5, "f1": 0.45}]}]}""");
        Assert.Equal([new PublishedResult("X", 0.5, 0.4, 0.5, 0.45, null, null, "Table 3")], PublishedResultFile.Read(path));
        Assert.Equal("seed.json", PublishedResultFile.Describe(path));
    }
}
