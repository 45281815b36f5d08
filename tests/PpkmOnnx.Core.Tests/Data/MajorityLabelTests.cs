using PpkmOnnx.Core.Data;

namespace PpkmOnnx.Core.Tests.Data;

/// <summary>The one majority-class rule (bench's baseline, data inspect): most frequent class, lowest id on ties.</summary>
public sealed class MajorityLabelTests
{
    [Theory]
    [InlineData(new[] { 7, 1, 2 }, 0)]
    [InlineData(new[] { 1, 2, 7 }, 2)]
    [InlineData(new[] { 3, 5, 5 }, 1)] // tie between 1 and 2: the lower id
    [InlineData(new[] { 4, 4, 4 }, 0)]
    [InlineData(new[] { 0, 0 }, 0)]
    public void Majority_is_the_most_frequent_class_and_the_lowest_id_on_ties(int[] counts, int expected) =>
        Assert.Equal(expected, TextClassificationDataset.MajorityLabelIdOf(counts));

    [Fact]
    public void A_dataset_majority_counts_its_rows()
    {
        // Rows: negative ×1, neutral ×2, positive ×2 → neutral and positive tie at 2; neutral (id 1) is the lower id.
        var rows = new[] { (0, "a"), (2, "b"), (1, "c"), (2, "d"), (1, "e") }.Select(r => new LabelledText(r.Item2, r.Item1)).ToList();
        var dataset = new TextClassificationDataset(rows, ["negative", "neutral", "positive"]);
        Assert.Equal(1, dataset.MajorityLabelId());
        Assert.Throws<ArgumentException>(() => TextClassificationDataset.MajorityLabelIdOf([]));
    }
}
