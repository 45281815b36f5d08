namespace PpkmOnnx.Core.Packaging.Records;

/// <summary>One entry of prune.json <c>guard.checks</c>: the pruned model against its source on one set.</summary>
public sealed record PruneGuardCheckRecord
{
    /// <summary><c>set</c>: validation or test.</summary>
    public required string Set { get; init; }
    /// <summary><c>count</c>: texts scored, or null.</summary>
    public int? Count { get; init; }
    /// <summary><c>source</c>: the unpruned model's metrics.</summary>
    public required PruneGuardMetricsRecord Source { get; init; }
    /// <summary><c>pruned</c>: the pruned model's metrics.</summary>
    public required PruneGuardMetricsRecord Pruned { get; init; }
    /// <summary><c>macro_f1_drop</c>: source minus pruned macro-F1 (positive is worse).</summary>
    public required double MacroF1Drop { get; init; }
    /// <summary><c>weighted_f1_drop</c>: source minus pruned weighted F1, or null.</summary>
    public double? WeightedF1Drop { get; init; }
    /// <summary><c>agreement</c>: fraction of texts both models give the same class, or null.</summary>
    public double? Agreement { get; init; }
    /// <summary><c>max_abs_logit_delta</c>: largest absolute logit difference, or null.</summary>
    public double? MaxAbsLogitDelta { get; init; }
}
