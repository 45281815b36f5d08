namespace PpkmOnnx.Core.Packaging.Records;

/// <summary>One entry of a quantize.json variant's <c>checks</c>: the quantized model against its float32 source on one set.</summary>
public sealed record QuantizeCheckRecord
{
    /// <summary><c>set</c>: validation or test.</summary>
    public required string Set { get; init; }
    /// <summary><c>count</c>: texts scored.</summary>
    public required int Count { get; init; }
    /// <summary><c>fp32</c>: the source model's metrics.</summary>
    public required GuardMetricsRecord Fp32 { get; init; }
    /// <summary><c>variant</c>: the quantized model's metrics.</summary>
    public required GuardMetricsRecord Variant { get; init; }
    /// <summary><c>macro_f1_drop</c>: source minus variant macro-F1 (positive is worse).</summary>
    public required double MacroF1Drop { get; init; }
    /// <summary><c>weighted_f1_drop</c>: source minus variant weighted F1.</summary>
    public required double WeightedF1Drop { get; init; }
    /// <summary><c>agreement</c>: fraction of texts both models give the same class.</summary>
    public required double Agreement { get; init; }
    /// <summary><c>max_abs_logit_delta</c>: largest absolute logit difference.</summary>
    public required double MaxAbsLogitDelta { get; init; }
}
