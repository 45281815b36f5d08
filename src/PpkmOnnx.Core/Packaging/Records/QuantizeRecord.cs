namespace PpkmOnnx.Core.Packaging.Records;

/// <summary>quantize.json: one entry per quantized variant of the package, by variant name (int8, int8-static, fp16).</summary>
public sealed record QuantizeRecord : ArtifactRecord
{
    /// <summary><c>variants</c>: the record of each variant quantized (each new quantization replaces its own entry only).</summary>
    public required IReadOnlyDictionary<string, QuantizedVariantRecord> Variants { get; init; }
}
