namespace PpkmOnnx.Core.Metrics;

/// <summary>
/// The one percentile definition of PpkmOnnx (latencies in bench, token lengths in <c>ppkm data inspect</c> and bench):
/// linear interpolation between closest ranks, numpy's default (<c>np.percentile(a, q, method="linear")</c>). Over the
/// sorted samples <c>x[0..n−1]</c>, rank <c>h = (n − 1)·q/100</c> and the value is
/// <c>x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋])</c>; the 50th percentile of an even count is the mean of the middle two.
/// </summary>
public static class Percentiles
{
    /// <summary>The <paramref name="percent"/>-th percentile (0–100) of <paramref name="samples"/>, in any order.</summary>
    /// <exception cref="ArgumentException">No samples, a NaN sample, or a percent outside 0–100.</exception>
    public static double Of(IEnumerable<double> samples, double percent) => OfSorted(Sorted(samples), percent);

    /// <summary>The samples sorted ascending, checked: what <see cref="OfSorted"/> expects.</summary>
    /// <exception cref="ArgumentException">No samples or a NaN sample.</exception>
    public static double[] Sorted(IEnumerable<double> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var sorted = samples.ToArray();
        if (sorted.Length == 0) throw new ArgumentException("cannot take a percentile of no samples.", nameof(samples));
        if (sorted.Any(double.IsNaN)) throw new ArgumentException("samples contain NaN.", nameof(samples));
        Array.Sort(sorted);
        return sorted;
    }

    /// <summary>The <paramref name="percent"/>-th percentile (0–100) of samples already sorted ascending (several percentiles, one sort).</summary>
    /// <exception cref="ArgumentException">No samples or a percent outside 0–100.</exception>
    public static double OfSorted(ReadOnlySpan<double> sorted, double percent)
    {
        if (sorted.IsEmpty) throw new ArgumentException("cannot take a percentile of no samples.", nameof(sorted));
        if (double.IsNaN(percent) || percent < 0 || percent > 100)
            throw new ArgumentException($"percentile {percent} is outside 0..100.", nameof(percent));
        double rank = (sorted.Length - 1) * percent / 100.0;
        int lower = (int)Math.Floor(rank);
        int upper = Math.Min(lower + 1, sorted.Length - 1);
        return sorted[lower] + (rank - lower) * (sorted[upper] - sorted[lower]);
    }
}
