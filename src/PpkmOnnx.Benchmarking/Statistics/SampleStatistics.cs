namespace PpkmOnnx.Benchmarking.Statistics;

/// <summary>
/// Order statistics of timing samples. Percentiles use linear interpolation between closest ranks, which is
/// numpy's default (<c>np.percentile(a, q, method="linear")</c>): rank <c>h = (n − 1)·q/100</c>, value
/// <c>x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋])</c> over the sorted samples.
/// </summary>
public static class SampleStatistics
{
    /// <summary>The <paramref name="percent"/>-th percentile (0–100) of <paramref name="samples"/>.</summary>
    /// <exception cref="ArgumentException">No samples, a NaN sample, or a percent outside 0–100.</exception>
    public static double Percentile(IReadOnlyList<double> samples, double percent)
    {
        var sorted = SortedCopy(samples);
        return PercentileOfSorted(sorted, percent);
    }

    /// <summary>The median (50th percentile; the mean of the two middle values for an even count).</summary>
    /// <exception cref="ArgumentException">No samples or a NaN sample.</exception>
    public static double Median(IReadOnlyList<double> samples) => Percentile(samples, 50);

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
        var sorted = SortedCopy(samples);
        return new SampleSummary(
            PercentileOfSorted(sorted, 50), PercentileOfSorted(sorted, 95), PercentileOfSorted(sorted, 99),
            Mean(sorted), sorted[0], sorted[^1], sorted.Length);
    }

    private static double[] SortedCopy(IReadOnlyList<double> samples)
    {
        if (samples.Count == 0) throw new ArgumentException("cannot take a percentile of no samples.", nameof(samples));
        var sorted = samples.ToArray();
        if (sorted.Any(double.IsNaN)) throw new ArgumentException("samples contain NaN.", nameof(samples));
        Array.Sort(sorted);
        return sorted;
    }

    private static double PercentileOfSorted(double[] sorted, double percent)
    {
        if (double.IsNaN(percent) || percent < 0 || percent > 100)
            throw new ArgumentException($"percentile {percent} is outside 0..100.", nameof(percent));
        double rank = (sorted.Length - 1) * percent / 100.0;
        int lower = (int)Math.Floor(rank);
        int upper = Math.Min(lower + 1, sorted.Length - 1);
        double fraction = rank - lower;
        return sorted[lower] + fraction * (sorted[upper] - sorted[lower]);
    }
}
