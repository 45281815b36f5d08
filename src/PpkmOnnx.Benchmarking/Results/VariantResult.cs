using PpkmOnnx.Core.Metrics;

namespace PpkmOnnx.Benchmarking.Results;

/// <summary>Quality and speed of one variant (fp32, int8, int8-static, fp16) of one model.</summary>
public sealed record VariantResult
{
    /// <summary>The variant's short name: fp32, int8, int8-static or fp16.</summary>
    public required string Variant { get; init; }
    /// <summary>The ONNX file's name inside the package.</summary>
    public required string ModelFile { get; init; }
    /// <summary>The ONNX file's size in bytes.</summary>
    public required long FileSizeBytes { get; init; }
    /// <summary>Elements of this graph's initializers (quantized graphs add scales and zero points).</summary>
    public required long ParameterCount { get; init; }
    /// <summary>The execution provider this variant really ran on: CUDA or CPU.</summary>
    public required string ExecutionProvider { get; init; }
    /// <summary>Why CUDA was not used when it was asked for (the error ONNX Runtime gave), or null.</summary>
    public string? ProviderNote { get; init; }
    /// <summary>Scores on the test split.</summary>
    public required ClassificationMetrics Metrics { get; init; }
    /// <summary>Wall time of the accuracy pass over pre-tokenized batches (model time only).</summary>
    public required double EvaluationSeconds { get; init; }
    /// <summary>Timings per (sequence shape, batch size) cell.</summary>
    public required IReadOnlyList<TimingResult> Timings { get; init; }

    /// <summary>The timing of one cell, or null when it was not measured.</summary>
    public TimingResult? FindTiming(string sequence, int batchSize) =>
        Timings.FirstOrDefault(t => t.BatchSize == batchSize && string.Equals(t.Sequence, sequence, StringComparison.OrdinalIgnoreCase));
}
