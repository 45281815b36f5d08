namespace PpkmOnnx.Core.Packaging.Records;

/// <summary>prune.json <c>guard</c>: the accuracy guard's verdict on the pruned model against its source.</summary>
public sealed record PruneGuardRecord
{
    /// <summary><c>max_drop</c>: the largest macro-F1 drop accepted, as a fraction, or null.</summary>
    public double? MaxDrop { get; init; }
    /// <summary><c>status</c>: <c>accepted</c>, <c>forced</c> or <c>rejected</c>.</summary>
    public required string Status { get; init; }
    /// <summary><c>checks</c>: one per evaluation set.</summary>
    public required IReadOnlyList<PruneGuardCheckRecord> Checks { get; init; }
    /// <summary><c>failure</c>: why the guard failed, or null when it passed.</summary>
    public string? Failure { get; init; }
}
