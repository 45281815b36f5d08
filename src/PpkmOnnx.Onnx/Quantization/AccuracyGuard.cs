using System.Text.Json.Nodes;
using PpkmOnnx.Core.Metrics;

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

    /// <summary>One check as written into quantize.json and prune.json (<paramref name="referenceName"/>/<paramref name="variantName"/> name the two sides).</summary>
    public static JsonObject ToJson(AccuracyCheck c, string referenceName = "fp32", string variantName = "variant") => new()
    {
        ["set"] = c.SetName,
        ["count"] = c.Count,
        [referenceName] = Metrics(c.Fp32),
        [variantName] = Metrics(c.Variant),
        ["macro_f1_drop"] = c.MacroF1Drop,
        ["weighted_f1_drop"] = c.WeightedF1Drop,
        ["agreement"] = c.Agreement,
        ["max_abs_logit_delta"] = c.MaxAbsLogitDelta,
    };

    private static JsonObject Metrics(ClassificationMetrics m) => new()
    {
        ["accuracy"] = m.Accuracy,
        ["weighted_f1"] = m.WeightedF1,
        ["macro_f1"] = m.MacroF1,
    };
}
