using PpkmOnnx.Core.Metrics;

namespace PpkmOnnx.Benchmarking.Statistics;

/// <summary>
/// Order statistics of timing samples. Percentiles are PpkmOnnx's one definition, <see cref="Percentiles"/> (linear
/// interpolation between closest ranks, numpy's default).
/// </summary>
public static class SampleStatistics
{
    /// <summary>The median (50th percentile; the mean of the two middle values for an even count).</summary>
    /// <exception cref="ArgumentException">No samples or a NaN sample.</exception>
    public static double Median(IReadOnlyList<double> samples) => Percentiles.Of(samples, 50);

    /// <summary>The arithmetic mean.</summary>
    /// <exception cref="ArgumentException">No samples.</exception>
    public static double Mean(IReadOnlyList<double> samples)
    {
        if (samples.Count == 0) throw new ArgumentException("cannot take the mean of no samples.", nameof(samples));
        double sum = 0;
        foreach (var s in samples) sum += s;
        return sum / samples.Count;
    }

    /// <summary>p50, p95, p99, mean, min and max of <paramref name="samples"/> in one sort.</summary>
    /// <exception cref="ArgumentException">No samples or a NaN sample.</exception>
    public static SampleSummary Summarize(IReadOnlyList<double> samples)
    {
        var sorted = Percentiles.Sorted(samples);
        return new SampleSummary(
            Percentiles.OfSorted(sorted, 50), Percentiles.OfSorted(sorted, 95), Percentiles.OfSorted(sorted, 99),
            Mean(sorted), sorted[0], sorted[^1], sorted.Length);
    }
}
