namespace PpkmOnnx.Benchmarking.Results;

/// <summary>
/// One run of <c>ppkm bench</c>: what was measured, where, and the results of every model variant.
/// Serialized as <c>bench.json</c> by <see cref="BenchmarkJson"/>; the schema is documented in docs/bench-schema.md.
/// </summary>
public sealed record BenchmarkReport
{
    /// <summary>The schema version this library writes.</summary>
    public const int CurrentSchemaVersion = 1;

    /// <summary>
    /// Schema version of this document (<see cref="CurrentSchemaVersion"/> when written by this library). Init-only: a file
    /// always has it (<see cref="BenchmarkJson.Deserialize"/> refuses one without), so the default serves construction only.
    /// </summary>
    public int SchemaVersion { get; init; } = CurrentSchemaVersion;
    /// <summary>When the run finished (UTC).</summary>
    public required DateTimeOffset CreatedUtc { get; init; }
    /// <summary>A free label of the run (for example the machine or the experiment), or null.</summary>
    public string? Title { get; init; }
    /// <summary>The machine and software the numbers were measured on.</summary>
    public required BenchmarkEnvironment Environment { get; init; }
    /// <summary>How the run measured.</summary>
    public required BenchmarkSettings Settings { get; init; }
    /// <summary>The test split scored.</summary>
    public required DatasetSummary Dataset { get; init; }
    /// <summary>The majority-class baseline on the same split.</summary>
    public required MajorityBaseline Baseline { get; init; }
    /// <summary>Results per model package, in the order given.</summary>
    public required IReadOnlyList<ModelResult> Models { get; init; }
}
