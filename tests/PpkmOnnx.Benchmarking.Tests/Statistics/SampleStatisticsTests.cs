using PpkmOnnx.Benchmarking.Statistics;

namespace PpkmOnnx.Benchmarking.Tests.Statistics;

public class SampleStatisticsTests
{
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
        // Hand: sorted 1..10,100; p50 h = 5 → 6; p95 h = 9.5 → 10 + 0.5·90 = 55; p99 h = 9.9 → 10 + 0.9·90 = 91.
        Assert.Equal(6, summary.P50, 12);
        Assert.Equal(55, summary.P95, 12);
        Assert.Equal(91, summary.P99, 12);
        Assert.Equal(155.0 / 11, summary.Mean, 12);
        Assert.Equal((1.0, 100.0, 11), (summary.Min, summary.Max, summary.Count));
        Assert.Equal(9, samples[0]);
    }

    [Fact]
    public void Bad_input_is_rejected_with_a_reason()
    {
        Assert.Contains("no samples", Assert.Throws<ArgumentException>(() => SampleStatistics.Summarize([])).Message);
        Assert.Contains("NaN", Assert.Throws<ArgumentException>(() => SampleStatistics.Median([1, double.NaN])).Message);
        Assert.Throws<ArgumentException>(() => SampleStatistics.Mean([]));
    }
}
