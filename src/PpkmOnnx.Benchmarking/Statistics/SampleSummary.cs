namespace PpkmOnnx.Benchmarking.Statistics;

/// <summary>Order statistics of a sample (see <see cref="SampleStatistics.Summarize"/>).</summary>
/// <param name="P50">Median.</param>
/// <param name="P95">95th percentile.</param>
/// <param name="P99">99th percentile.</param>
/// <param name="Mean">Arithmetic mean.</param>
/// <param name="Min">Smallest sample.</param>
/// <param name="Max">Largest sample.</param>
/// <param name="Count">Number of samples.</param>
public sealed record SampleSummary(double P50, double P95, double P99, double Mean, double Min, double Max, int Count);
