using PpkmOnnx.Core.Metrics;

namespace PpkmOnnx.Core.Tests.Metrics;

public class PercentilesTests
{
    // Expected values worked by hand with numpy's linear rule: rank h = (n-1)·q/100, interpolate x[⌊h⌋]..x[⌊h⌋+1].
    [Theory]
    [InlineData(new double[] { 4, 1, 3, 2 }, 50, 2.5)]     // h = 1.5  → 2 + 0.5·1
    [InlineData(new double[] { 4, 1, 3, 2 }, 95, 3.85)]    // h = 2.85 → 3 + 0.85·1
    [InlineData(new double[] { 4, 1, 3, 2 }, 99, 3.97)]    // h = 2.97 → 3 + 0.97·1
    [InlineData(new double[] { 15, 20, 35, 40, 50 }, 40, 29)]  // h = 1.6 → 20 + 0.6·15
    [InlineData(new double[] { 15, 20, 35, 40, 50 }, 50, 35)]  // h = 2 exactly
    [InlineData(new double[] { 15, 20, 35, 40, 50 }, 0, 15)]
    [InlineData(new double[] { 15, 20, 35, 40, 50 }, 100, 50)]
    [InlineData(new double[] { 7 }, 99, 7)]
    public void Percentile_interpolates_linearly_between_closest_ranks(double[] samples, double percent, double expected) =>
        Assert.Equal(expected, Percentiles.Of(samples, percent), 12);

    [Fact]
    public void Several_percentiles_of_one_sort_match_and_the_input_is_left_as_it_was()
    {
        double[] samples = [3, 1, 2];
        var sorted = Percentiles.Sorted(samples);
        Assert.Equal([1.0, 2.0, 3.0], sorted);
        Assert.Equal(1.5, Percentiles.OfSorted(sorted, 25), 12);  // h = 0.5
        Assert.Equal(2.8, Percentiles.OfSorted(sorted, 90), 12);  // h = 1.8
        Assert.Equal(3, samples[0]);
    }

    [Fact]
    public void Bad_input_is_rejected_with_a_reason()
    {
        Assert.Contains("no samples", Assert.Throws<ArgumentException>(() => Percentiles.Of([], 50)).Message);
        Assert.Contains("NaN", Assert.Throws<ArgumentException>(() => Percentiles.Of([1, double.NaN], 50)).Message);
        Assert.Contains("outside 0..100", Assert.Throws<ArgumentException>(() => Percentiles.Of([1, 2], 101)).Message);
        Assert.Contains("outside 0..100", Assert.Throws<ArgumentException>(() => Percentiles.Of([1, 2], -1)).Message);
    }
}
