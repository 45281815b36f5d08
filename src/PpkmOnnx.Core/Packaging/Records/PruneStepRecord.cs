namespace PpkmOnnx.Core.Packaging.Records;

/// <summary>One entry of prune.json <c>steps</c>: what one pruning step removed and left.</summary>
public sealed record PruneStepRecord
{
    /// <summary><c>step</c>: the step number, from 1.</summary>
    public required int Step { get; init; }
    /// <summary><c>heads_before</c>: attention heads over all layers before the step.</summary>
    public required int HeadsBefore { get; init; }
    /// <summary><c>heads_after</c>: attention heads over all layers after the step.</summary>
    public required int HeadsAfter { get; init; }
    /// <summary><c>heads_removed</c>: per layer, the original indices of the heads the step removed.</summary>
    public required IReadOnlyList<IReadOnlyList<int>> HeadsRemoved { get; init; }
    /// <summary><c>ffn_before</c>: FFN neurons per layer before the step.</summary>
    public required int FfnBefore { get; init; }
    /// <summary><c>ffn_after</c>: FFN neurons per layer after the step.</summary>
    public required int FfnAfter { get; init; }
    /// <summary><c>parameters_after</c>: parameters after the step.</summary>
    public required long ParametersAfter { get; init; }
    /// <summary><c>importance_rows</c>: training rows the step's importance was measured on.</summary>
    public required int ImportanceRows { get; init; }
    /// <summary><c>recovery_validation_macro_f1</c>: the step's recovery's best validation macro-F1, or null without recovery.</summary>
    public double? RecoveryValidationMacroF1 { get; init; }
    /// <summary><c>timings_seconds</c>: wall time of the step's phases (no <c>guard</c>).</summary>
    public required PruneTimingsRecord TimingsSeconds { get; init; }
}
