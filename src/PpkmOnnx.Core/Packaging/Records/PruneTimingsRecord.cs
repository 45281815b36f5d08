using System.Text.Json.Serialization;

namespace PpkmOnnx.Core.Packaging.Records;

/// <summary>prune.json <c>timings_seconds</c> (of the run, or of one step): wall seconds of each phase, 3 decimals.</summary>
public sealed record PruneTimingsRecord
{
    /// <summary><c>importance</c>: scoring importance.</summary>
    public required double Importance { get; init; }
    /// <summary><c>removal</c>: removing heads and neurons.</summary>
    public required double Removal { get; init; }
    /// <summary><c>recovery</c>: recovery training.</summary>
    public required double Recovery { get; init; }
    /// <summary><c>guard</c>: the accuracy guard; the run's only (a step's timings have none, and the field is left out).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? Guard { get; init; }
}
