using PpkmOnnx.Core.Metrics;
using PpkmOnnx.Core.Packaging.Records;

namespace PpkmOnnx.Onnx.Quantization;

/// <summary>
/// The accuracy guard's rule and record, shared by every stage that makes a cheaper model from a reference one
/// (<c>ppkm quantize</c>, <c>ppkm prune</c>): refuse when any set's macro-F1 drops by more than the allowed amount.
/// </summary>
public static class AccuracyGuard
{
    /// <summary>Why <paramref name="checks"/> fail the guard, or null when every set is within <paramref name="maxDrop"/>.</summary>
    /// <param name="checks">The variant scored against its reference, one per evaluation set.</param>
    /// <param name="maxDrop">Largest macro-F1 drop accepted, as a fraction (0.01 = 1 point).</param>
    public static string? FailureReason(IEnumerable<AccuracyCheck> checks, double maxDrop)
    {
        var failing = checks.Where(c => c.MacroF1Drop > maxDrop).ToList();
        return failing.Count == 0 ? null
            : string.Join("; ", failing.Select(c => $"{c.SetName} macro-F1 dropped {c.MacroF1Drop * 100:F2} points ({c.Fp32.MacroF1:F4} → {c.Variant.MacroF1:F4}), more than the allowed {maxDrop * 100:F2}"));
    }

    /// <summary>One check as quantize.json records it (<c>fp32</c> and <c>variant</c> sides).</summary>
    public static QuantizeCheckRecord ToRecord(AccuracyCheck c) => new()
    {
        Set = c.SetName, Count = c.Count, Fp32 = MetricsRecord(c.Fp32), Variant = MetricsRecord(c.Variant), MacroF1Drop = c.MacroF1Drop,
        WeightedF1Drop = c.WeightedF1Drop, Agreement = c.Agreement, MaxAbsLogitDelta = c.MaxAbsLogitDelta,
    };

    /// <summary>One check as prune.json records it (the unpruned model as <c>source</c>, the pruned one as <c>pruned</c>).</summary>
    public static PruneGuardCheckRecord ToPruneRecord(AccuracyCheck c) => new()
    {
        Set = c.SetName, Count = c.Count, Source = PruneMetricsRecord(c.Fp32), Pruned = PruneMetricsRecord(c.Variant), MacroF1Drop = c.MacroF1Drop,
        WeightedF1Drop = c.WeightedF1Drop, Agreement = c.Agreement, MaxAbsLogitDelta = c.MaxAbsLogitDelta,
    };

    private static GuardMetricsRecord MetricsRecord(ClassificationMetrics m) => new(m.Accuracy, m.WeightedF1, m.MacroF1);

    private static PruneGuardMetricsRecord PruneMetricsRecord(ClassificationMetrics m) => new() { Accuracy = m.Accuracy, WeightedF1 = m.WeightedF1, MacroF1 = m.MacroF1 };
}
