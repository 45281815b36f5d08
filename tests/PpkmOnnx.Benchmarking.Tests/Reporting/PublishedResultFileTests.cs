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
}
