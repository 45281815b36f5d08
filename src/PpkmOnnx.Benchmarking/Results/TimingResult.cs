namespace PpkmOnnx.Benchmarking.Results;

/// <summary>
/// Timing of one cell (sequence shape × batch size) of one variant: model time of ONNX Runtime <c>Run</c> on
/// pre-tokenized batches. Latencies are per call (per batch); at batch size 1 they are per-text latencies.
/// </summary>
public sealed record TimingResult
{
    /// <summary>"32", "64", … for a fixed padded length, or "data" for the test texts' own lengths (dynamic padding).</summary>
    public required string Sequence { get; init; }
    /// <summary>Rows per call.</summary>
    public required int BatchSize { get; init; }
    /// <summary>Mean padded sequence length of the batches fed.</summary>
    public required double MeanPaddedLength { get; init; }
    /// <summary>Timed calls (repeats × iterations).</summary>
    public required int Calls { get; init; }
    /// <summary>Median milliseconds per call.</summary>
    public required double LatencyP50Ms { get; init; }
    /// <summary>95th percentile milliseconds per call.</summary>
    public required double LatencyP95Ms { get; init; }
    /// <summary>99th percentile milliseconds per call.</summary>
    public required double LatencyP99Ms { get; init; }
    /// <summary>Mean milliseconds per call.</summary>
    public required double LatencyMeanMs { get; init; }
    /// <summary>Median over repeats of (sequences in the repeat ÷ its total call time).</summary>
    public required double SequencesPerSecond { get; init; }
    /// <summary>Sequences per second of each repeat, in order.</summary>
    public required IReadOnlyList<double> SequencesPerSecondPerRepeat { get; init; }
}
