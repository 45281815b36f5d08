namespace PpkmOnnx.Benchmarking.Reporting;

/// <summary>How <see cref="ReportGenerator.Write"/> lays out the report.</summary>
public sealed record ReportOptions
{
    /// <summary>The report's title.</summary>
    public string Title { get; init; } = "PpkmOnnx efficiency study";
    /// <summary>The paper's published numbers, shown beside ours in the quality table; empty = none.</summary>
    public IReadOnlyList<PublishedResult> PublishedResults { get; init; } = [];
    /// <summary>Where <see cref="PublishedResults"/> come from (a citation line), or null.</summary>
    public string? PublishedSource { get; init; }
    /// <summary>Sequence shape of the latency columns ("data", "128", …); null = "data" when measured, else the first measured.</summary>
    public string? LatencySequence { get; init; }
    /// <summary>Batch size of the throughput column; null = 32 when measured, else the largest measured.</summary>
    public int? ThroughputBatchSize { get; init; }
    /// <summary>Sequence shape of the throughput column and chart; null = as <see cref="LatencySequence"/>.</summary>
    public string? ThroughputSequence { get; init; }
    /// <summary>The variant quality deltas and speed-ups are taken against.</summary>
    public string ReferenceVariant { get; init; } = "fp32";
    /// <summary>Chart width in pixels.</summary>
    public int ChartWidth { get; init; } = 800;
    /// <summary>Chart height in pixels.</summary>
    public int ChartHeight { get; init; } = 480;
}
