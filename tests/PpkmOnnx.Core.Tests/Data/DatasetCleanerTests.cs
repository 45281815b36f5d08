using PpkmOnnx.Core.Data;

namespace PpkmOnnx.Core.Tests.Data;

public sealed class DatasetCleanerTests
{
    private static TextClassificationDataset Rows(params (string Text, int Label)[] rows) =>
        new(rows.Select((r, i) => new LabelledText(r.Text, r.Label, i + 2)).ToList(), ["negative", "neutral", "positive"]);

    [Fact]
    public void DropsExactDuplicates_AndAllRowsOfConflictingTexts()
    {
        var data = Rows(("a", 0), ("a", 0), ("b", 1), ("b", 2), ("c", 0), ("b", 1), ("a ", 0));
        var (cleaned, report) = DatasetCleaner.Clean(data, ConflictPolicy.DropAll, missingDropped: 3);
        // By hand: duplicates = a/0 (2nd) and b/1 (3rd) → 2; conflicting text = b; its unique rows b/1, b/2 → 2 dropped.
        Assert.Equal(new CleaningReport(7, 3, 2, 1, 2, 3, ConflictPolicy.DropAll), report);
        Assert.Equal(["a", "c", "a "], cleaned.Rows.Select(r => r.Text));
        Assert.Equal([2, 6, 8], cleaned.Rows.Select(r => r.SourceLine));
    }

    [Fact]
    public void KeepPolicy_KeepsOneRowPerTextAndLabel()
    {
        var data = Rows(("a", 0), ("a", 0), ("b", 1), ("b", 2), ("c", 0), ("b", 1));
        var (cleaned, report) = DatasetCleaner.Clean(data, ConflictPolicy.Keep);
        Assert.Equal(new CleaningReport(6, 0, 2, 1, 0, 4, ConflictPolicy.Keep), report);
        Assert.Equal([("a", 0), ("b", 1), ("b", 2), ("c", 0)], cleaned.Rows.Select(r => (r.Text, r.Label)));
    }
}
