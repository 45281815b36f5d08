using System.Text.Json.Serialization;

namespace PpkmOnnx.Core.Packaging.Records;

/// <summary>
/// quantize.json: one entry per variant file the package holds, by variant name (int8, int8-static, fp16), and apart
/// from them the last attempt at a variant that the accuracy guard refused, so that the entry of a kept file always
/// describes that file (as Optimum's ort_config.json describes the model saved beside it).
/// </summary>
public sealed record QuantizeRecord : ArtifactRecord
{
    /// <summary>
    /// <c>variants</c>: the record of each variant file written (status accepted or forced); each new quantization that
    /// writes a file replaces its own entry only, and one that writes none leaves it alone. Files written before this rule
    /// may also hold rejected entries here, which the next quantization moves to <see cref="Rejected"/>.
    /// </summary>
    public required IReadOnlyDictionary<string, QuantizedVariantRecord> Variants { get; init; }

    /// <summary>
    /// <c>rejected</c>: by variant name, the latest attempt the guard refused and that was not written (status rejected),
    /// kept for its numbers; removed when a later run of that variant writes its file. Absent when there is none.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, QuantizedVariantRecord>? Rejected { get; init; }
}
