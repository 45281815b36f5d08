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
    /// <summary>
    /// Most padded tokens (rows × longest row) per session run; a single longer text still runs alone. Padding counts
    /// because a run computes every padded position (the server's batcher budgets real tokens instead:
    /// <c>BatcherOptions.MaxBatchTokens</c>).
    /// </summary>
    public int MaxPaddedTokensPerRun { get; init; } = 8192;
    /// <summary>
    /// What one more session run costs, in padded tokens, when a batch is cut into micro-batches of similar lengths
    /// (see <see cref="MicroBatchPlan"/>). Null picks by provider: <see cref="CpuRunOverheadTokens"/> on the CPU, where
    /// a padded token costs as much as a real one, <see cref="CudaRunOverheadTokens"/> on CUDA, where padding is
    /// nearly free and a run is dear.
    /// </summary>
    public long? RunOverheadTokens { get; init; }
    /// <summary>
    /// Micro-batches of one call run at once, each on its own thread. On a CPU, several single-threaded runs
    /// (<see cref="IntraOpThreads"/> = 1, <see cref="ParallelRuns"/> = cores) keep every core busy where one run's
    /// intra-op threads often cannot (tools/LoadGen measures both); 1 runs them one after another.
    /// </summary>
    public int ParallelRuns { get; init; } = 1;
    /// <summary>
    /// Runs every text in its own session run, so a text's scores never depend on the texts that share its call or its
    /// server batch. Null (the default) decides by variant: on for the INT8 variants (dynamic INT8's
    /// DynamicQuantizeMatMul/QAttention compute one activation scale over the whole batch, padding rows included, and
    /// static INT8 still moves in the last bits with its batch), off for FP32/FP16. Runs still go
    /// <see cref="ParallelRuns"/> at a time.
    /// </summary>
    public bool? RunTextsAlone { get; init; }
    /// <summary>Caps the package's maximum sequence length (null keeps the package's).</summary>
    public int? MaxLength { get; init; }

    /// <summary><see cref="RunTextsAlone"/> resolved for <see cref="Variant"/>: true when results would otherwise depend on batch neighbours.</summary>
    public bool EffectiveRunTextsAlone => RunTextsAlone ?? Variant is ModelVariant.Int8 or ModelVariant.Int8Static;

    /// <summary>Default <see cref="RunOverheadTokens"/> on the CPU (a run's fixed cost is a few tokens' worth of compute).</summary>
    public const long CpuRunOverheadTokens = 4;
    /// <summary>Default <see cref="RunOverheadTokens"/> on CUDA (kernel launches dominate small batches).</summary>
    public const long CudaRunOverheadTokens = 1024;

    /// <summary>
    /// Resolves the "automatic" (0) settings of a throughput-minded host (<c>ppkm serve</c>, <c>ppkm predict</c>):
    /// <paramref name="parallelRuns"/> 0 means one run per processor, and <paramref name="intraOpThreads"/> 0 means 1
    /// when several runs share the cores, else ONNX Runtime's own choice (0).
    /// </summary>
    public static (int ParallelRuns, int IntraOpThreads) ResolveThreading(int parallelRuns, int intraOpThreads)
    {
        int runs = parallelRuns > 0 ? parallelRuns : Environment.ProcessorCount;
        return (runs, intraOpThreads > 0 ? intraOpThreads : runs > 1 ? 1 : 0);
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (MaxBatchSize < 1) throw new ArgumentException($"MaxBatchSize must be at least 1 (got {MaxBatchSize}).");
        if (MaxPaddedTokensPerRun < 2) throw new ArgumentException($"MaxPaddedTokensPerRun must be at least 2 (got {MaxPaddedTokensPerRun}).");
        if (IntraOpThreads < 0 || InterOpThreads < 0) throw new ArgumentException("thread counts cannot be negative.");
        if (ParallelRuns < 1) throw new ArgumentException($"ParallelRuns must be at least 1 (got {ParallelRuns}).");
        if (RunOverheadTokens is < 0) throw new ArgumentException($"RunOverheadTokens cannot be negative (got {RunOverheadTokens}).");
        if (MaxLength is < 2) throw new ArgumentException($"MaxLength must be at least 2 (got {MaxLength}).");
        if (CudaDeviceId < 0) throw new ArgumentException($"CudaDeviceId cannot be negative (got {CudaDeviceId}).");
    }
}
