namespace PpkmOnnx.Core.Packaging.Records;

/// <summary>One entry of quantize.json's <c>variants</c>: how a variant was made, what it weighs, and its accuracy guard.</summary>
public sealed record QuantizedVariantRecord
{
    /// <summary><c>file</c>: the variant's ONNX file name in the package.</summary>
    public required string File { get; init; }
    /// <summary>
    /// <c>status</c>: accepted, forced (written although the guard failed) or rejected (not written; such entries are in
    /// quantize.json's <c>rejected</c>, see <see cref="QuantizeRecord.Rejected"/>).
    /// </summary>
    public required string Status { get; init; }
    /// <summary><c>created_utc</c>: when, ISO 8601 round-trip text as written.</summary>
    public required string CreatedUtc { get; init; }
    /// <summary><c>mode</c>: dynamic, static or fp16.</summary>
    public required string Mode { get; init; }
    /// <summary><c>target</c>: cpu or gpu.</summary>
    public required string Target { get; init; }
    /// <summary><c>note</c>: a remark for the variant (fp16's), or null.</summary>
    public required string? Note { get; init; }
    /// <summary><c>per_channel</c>: per-channel weight scales (null for fp16).</summary>
    public required bool? PerChannel { get; init; }
    /// <summary><c>reduce_range</c>: 7-bit weights (null for fp16).</summary>
    public required bool? ReduceRange { get; init; }
    /// <summary><c>quantize_word_embedding</c>: whether the word-embedding table was quantized (dynamic int8 only, else null).</summary>
    public required bool? QuantizeWordEmbedding { get; init; }
    /// <summary><c>calibration</c>: static int8's calibration, else null.</summary>
    public required QuantizeCalibrationRecord? Calibration { get; init; }
    /// <summary><c>cpu</c>: the quantizing machine's instruction sets.</summary>
    public required QuantizeCpuRecord Cpu { get; init; }
    /// <summary><c>source_bytes</c>: size of the float32 model.</summary>
    public required long SourceBytes { get; init; }
    /// <summary><c>bytes</c>: size of the variant.</summary>
    public required long Bytes { get; init; }
    /// <summary><c>size_ratio</c>: source bytes over variant bytes, rounded to 3 places.</summary>
    public required double SizeRatio { get; init; }
    /// <summary><c>converted_nodes</c>: nodes turned into quantized ones.</summary>
    public required int ConvertedNodes { get; init; }
    /// <summary><c>excluded_nodes</c>: nodes kept in float32 as asked.</summary>
    public required IReadOnlyList<string> ExcludedNodes { get; init; }
    /// <summary><c>auto_excluded_layers</c>: layers the sensitivity search kept in float32.</summary>
    public required IReadOnlyList<string> AutoExcludedLayers { get; init; }
    /// <summary><c>ops</c>: node count per operator type in the variant's graph.</summary>
    public required IReadOnlyDictionary<string, int> Ops { get; init; }
    /// <summary><c>max_drop</c>: the largest macro-F1 drop the guard accepts, as a fraction.</summary>
    public required double MaxDrop { get; init; }
    /// <summary><c>checks</c>: the guard's comparison per evaluation set.</summary>
    public required IReadOnlyList<QuantizeCheckRecord> Checks { get; init; }
    /// <summary><c>failure</c>: why the guard failed, or null.</summary>
    public required string? Failure { get; init; }
}
