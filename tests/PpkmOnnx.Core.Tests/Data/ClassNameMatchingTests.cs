using PpkmOnnx.Core.Data;

namespace PpkmOnnx.Core.Tests.Data;

/// <summary>The one class-matching rule (train, quantize, bench, baseline --ensemble-with): by name, in any order.</summary>
public sealed class ClassNameMatchingTests
{
    [Fact]
    public void The_same_names_in_another_order_give_each_wanted_class_its_id_among_the_available()
    {
        // wanted[0] "negative" is available[2], wanted[1] "neutral" is available[0], wanted[2] "positive" is available[1].
        Assert.Equal([2, 0, 1], ClassNameMatching.Order(["neutral", "positive", "negative"], ["negative", "neutral", "positive"])!);
        Assert.Equal([0, 1, 2], ClassNameMatching.Order(["a", "b", "c"], ["a", "b", "c"])!);
    }

    [Theory]
    [InlineData(new[] { "negative", "neutral" }, new[] { "negative", "neutral", "positive" })] // another count
    [InlineData(new[] { "negative", "neutral", "happy" }, new[] { "negative", "neutral", "positive" })] // another name
    [InlineData(new[] { "Negative", "neutral", "positive" }, new[] { "negative", "neutral", "positive" })] // case counts
    [InlineData(new[] { "negative", "negative", "positive" }, new[] { "negative", "neutral", "positive" })] // a repeated name
    [InlineData(new[] { "negative", "neutral", "positive" }, new[] { "negative", "negative", "positive" })]
    public void Other_names_counts_or_repeated_names_do_not_match(string[] available, string[] wanted) =>
        Assert.Null(ClassNameMatching.Order(available, wanted));

    [Fact]
    public void Reorder_reads_each_class_value_from_its_matched_position()
    {
        string[] package = ["neutral", "positive", "negative"];
        string[] data = ["negative", "neutral", "positive"];
        double[] byPackage = [0.2, 0.7, 0.1]; // neutral 0.2, positive 0.7, negative 0.1
        Assert.Equal([0.1, 0.2, 0.7], ClassNameMatching.Reorder(byPackage, ClassNameMatching.Order(package, data)!));
        // And back: the data's order read in the package's.
        Assert.Equal(byPackage, ClassNameMatching.Reorder([0.1, 0.2, 0.7], ClassNameMatching.Order(data, package)!));
        Assert.Throws<ArgumentException>(() => ClassNameMatching.Reorder([0.1, 0.2], [0, 1, 2]));
    }
}
