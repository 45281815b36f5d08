namespace PpkmOnnx.Benchmarking.Results;

/// <summary>The test split a benchmark scored.</summary>
public sealed record DatasetSummary
{
    /// <summary>A name for the split (a file name, say), or null.</summary>
    public string? Name { get; init; }
    /// <summary>Number of texts.</summary>
    public required int Count { get; init; }
    /// <summary>Label names by class id.</summary>
    public required IReadOnlyList<string> LabelNames { get; init; }
    /// <summary>Gold count per class id.</summary>
    public required IReadOnlyList<int> ClassCounts { get; init; }
}
