namespace PpkmOnnx.Core.Packaging.Records;

/// <summary>
/// One side of a prune.json guard check. Only <c>macro_f1</c> is required: the report reads the pruned side's
/// <c>accuracy</c> too, and its reader names that field when it is missing.
/// </summary>
public sealed record PruneGuardMetricsRecord
{
    /// <summary><c>accuracy</c>, or null.</summary>
    public double? Accuracy { get; init; }
    /// <summary><c>weighted_f1</c>, or null.</summary>
    public double? WeightedF1 { get; init; }
    /// <summary><c>macro_f1</c>.</summary>
    public required double MacroF1 { get; init; }
}
