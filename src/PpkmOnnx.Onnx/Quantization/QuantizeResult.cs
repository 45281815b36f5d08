using PpkmOnnx.Core.Packaging;
using PpkmOnnx.Core.Platform;

namespace PpkmOnnx.Onnx.Quantization;

/// <summary>What <see cref="OnnxQuantizer.Quantize"/> did.</summary>
public sealed record QuantizeResult
{
    /// <summary>The variant made.</summary>
    public required ModelVariant Variant { get; init; }
    /// <summary>Where the variant is (or would have been) written.</summary>
    public required string OutputPath { get; init; }
    /// <summary>True when no guard ran or every checked set stayed within <see cref="QuantizeOptions.MaxDrop"/>.</summary>
    public required bool Accepted { get; init; }
    /// <summary>True when the file was written (accepted, or forced).</summary>
    public required bool Written { get; init; }
    /// <summary>Why the guard failed; null when accepted.</summary>
    public string? FailureReason { get; init; }
    /// <summary>Size of the FP32 model.onnx in bytes.</summary>
    public required long SourceBytes { get; init; }
    /// <summary>Size of the variant in bytes.</summary>
    public required long OutputBytes { get; init; }
    /// <summary>Names of the nodes converted (quantized, or turned to fp16).</summary>
    public required IReadOnlyList<string> ConvertedNodes { get; init; }
    /// <summary>Names of candidate nodes kept FP32 (by <see cref="QuantizeOptions.Exclude"/> or auto-exclusion).</summary>
    public required IReadOnlyList<string> ExcludedNodes { get; init; }
    /// <summary>Layer groups auto-exclusion kept in FP32, most sensitive first.</summary>
    public IReadOnlyList<string> AutoExcludedLayers { get; init; } = [];
    /// <summary>The CPU the variant was made (and checked) on.</summary>
    public required CpuFeatures Cpu { get; init; }
    /// <summary>Accuracy checks, one per evaluation set given.</summary>
    public required IReadOnlyList<AccuracyCheck> Checks { get; init; }
    /// <summary>The quantize.json written.</summary>
    public required string ReportPath { get; init; }
}
