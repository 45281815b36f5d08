using Microsoft.ML.OnnxRuntime;
using PpkmOnnx.Core.Packaging;

namespace PpkmOnnx.Runtime;

/// <summary>How <see cref="SentimentClassifier.Load"/> opens a model package and batches its inputs.</summary>
public sealed record ClassifierOptions
{
    /// <summary>The precision variant to load (its ONNX file must exist in the package).</summary>
    public ModelVariant Variant { get; init; } = ModelVariant.Fp32;
    /// <summary>Execution provider wanted; <see cref="SentimentClassifier.ExecutionProvider"/> tells the one used.</summary>
    public ExecutionProviderPreference ExecutionProvider { get; init; } = ExecutionProviderPreference.Auto;
    /// <summary>CUDA device ordinal.</summary>
    public int CudaDeviceId { get; init; }
    /// <summary>ONNX Runtime graph optimization level.</summary>
    public GraphOptimizationLevel OptimizationLevel { get; init; } = GraphOptimizationLevel.ORT_ENABLE_ALL;
    /// <summary>Threads inside one operator; 0 lets ONNX Runtime choose.</summary>
    public int IntraOpThreads { get; init; }
    /// <summary>Threads across independent operators; 0 lets ONNX Runtime choose.</summary>
    public int InterOpThreads { get; init; }
    /// <summary>
    /// Folder for optimized-model cache files, keyed by model SHA-256, provider, optimization level and CPU ISA;
    /// null disables the cache. A cached graph is loaded with graph optimizations off (they are already applied).
    /// </summary>
    public string? OptimizedModelCacheFolder { get; init; }
    /// <summary>Most texts per session run.</summary>
    public int MaxBatchSize { get; init; } = 32;
    /// <summary>Most padded tokens (rows × longest row) per session run; a single longer text still runs alone.</summary>
    public int MaxBatchTokens { get; init; } = 8192;
    /// <summary>Caps the package's maximum sequence length (null keeps the package's).</summary>
    public int? MaxLength { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (MaxBatchSize < 1) throw new ArgumentException($"MaxBatchSize must be at least 1 (got {MaxBatchSize}).");
        if (MaxBatchTokens < 2) throw new ArgumentException($"MaxBatchTokens must be at least 2 (got {MaxBatchTokens}).");
        if (IntraOpThreads < 0 || InterOpThreads < 0) throw new ArgumentException("thread counts cannot be negative.");
        if (MaxLength is < 2) throw new ArgumentException($"MaxLength must be at least 2 (got {MaxLength}).");
        if (CudaDeviceId < 0) throw new ArgumentException($"CudaDeviceId cannot be negative (got {CudaDeviceId}).");
    }
}
