using System.Text.Json.Nodes;

namespace PpkmOnnx.Onnx.Validation;

/// <summary>The outcome of <see cref="ExportValidator.Validate"/>: a row per batch size.</summary>
/// <param name="Tolerance">Largest absolute difference accepted.</param>
/// <param name="Texts">Texts compared.</param>
/// <param name="MaxLength">Tokenizer truncation length used.</param>
/// <param name="Rows">One row per batch size.</param>
public sealed record ValidationReport(double Tolerance, int Texts, int MaxLength, IReadOnlyList<ValidationRow> Rows)
{
    /// <summary>True when every row passed.</summary>
    public bool Passed => Rows.All(r => r.Passed);

    /// <summary>The largest difference over all rows.</summary>
    public double MaxAbsDiff => Rows.Count == 0 ? 0 : Rows.Max(r => r.MaxAbsDiff);

    /// <summary>The report as the <c>validation</c> object of export.json.</summary>
    public JsonObject ToJson() => new()
    {
        ["passed"] = Passed,
        ["tolerance"] = Tolerance,
        ["texts"] = Texts,
        ["max_length"] = MaxLength,
        ["max_abs_diff"] = MaxAbsDiff,
        ["rows"] = new JsonArray(Rows.Select(r => (JsonNode)new JsonObject
        {
            ["batch_size"] = r.BatchSize,
            ["batches"] = r.Batches,
            ["max_abs_diff"] = r.MaxAbsDiff,
            ["argmax_agreement"] = r.ArgmaxAgreement,
            ["passed"] = r.Passed,
        }).ToArray()),
    };

    /// <summary>A one-line summary for messages.</summary>
    public override string ToString() =>
        string.Join("; ", Rows.Select(r => $"batch {r.BatchSize}: max |Δ| {r.MaxAbsDiff:E2}, argmax agreement {r.ArgmaxAgreement:P1}{(r.Passed ? "" : " FAILED")}"));
}
