using PpkmOnnx.Benchmarking.Statistics;

namespace PpkmOnnx.Benchmarking.Tests.Statistics;

public class SampleStatisticsTests
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
        Assert.Equal(expected, SampleStatistics.Percentile(samples, percent), 12);

    [Fact]
    public void Median_of_an_even_count_is_the_mean_of_the_middle_pair()
    {
        Assert.Equal(5.5, SampleStatistics.Median([10, 1, 5, 6]), 12);
        Assert.Equal(5, SampleStatistics.Median([10, 1, 5]), 12);
    }

    [Fact]
    public void Summarize_agrees_with_the_single_statistics_and_leaves_the_input_unsorted()
    {
        double[] samples = [9, 2, 7, 4, 1, 8, 3, 10, 5, 6, 100];
        var summary = SampleStatistics.Summarize(samples);
        Assert.Equal(SampleStatistics.Percentile(samples, 50), summary.P50);
        // Hand: sorted 1..10,100; p95 h = 9.5 → 10 + 0.5·90 = 55; p99 h = 9.9 → 10 + 0.9·90 = 91.
        Assert.Equal(55, summary.P95, 12);
        Assert.Equal(91, summary.P99, 12);
        Assert.Equal(155.0 / 11, summary.Mean, 12);
        Assert.Equal((1.0, 100.0, 11), (summary.Min, summary.Max, summary.Count));
        Assert.Equal(9, samples[0]);
    }

    [Fact]
    public void Bad_input_is_rejected_with_a_reason()
    {
        Assert.Contains("no samples", Assert.Throws<ArgumentException>(() => SampleStatistics.Percentile([], 50)).Message);
        Assert.Contains("NaN", Assert.Throws<ArgumentException>(() => SampleStatistics.Median([1, double.NaN])).Message);
        Assert.Contains("outside 0..100", Assert.Throws<ArgumentException>(() => SampleStatistics.Percentile([1, 2], 101)).Message);
        Assert.Throws<ArgumentException>(() => SampleStatistics.Mean([]));
    }
}
