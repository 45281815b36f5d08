namespace PpkmOnnx.Benchmarking.Results;

/// <summary>The machine and software a benchmark ran on.</summary>
public sealed record BenchmarkEnvironment
{
    /// <summary>CPU model name from /proc/cpuinfo, or the processor architecture where unavailable.</summary>
    public required string CpuModel { get; init; }
    /// <summary>Logical processors visible to the process.</summary>
    public required int LogicalProcessors { get; init; }
    /// <summary>ONNX Runtime intra-op threads requested; null = ONNX Runtime's default (one per physical core).</summary>
    public int? IntraOpThreads { get; init; }
    /// <summary>SIMD extensions the CPU offers that matter for the study (AVX2, FMA, AVX-512F, AVX-512BW, AVX-VNNI, AVX-512-VNNI).</summary>
    public required IReadOnlyList<string> InstructionSets { get; init; }
    /// <summary>The execution provider asked for: auto, cuda or cpu.</summary>
    public required string ExecutionProviderRequested { get; init; }
    /// <summary>The providers the variants really ran on (CUDA, CPU), distinct.</summary>
    public required IReadOnlyList<string> ExecutionProvidersUsed { get; init; }
    /// <summary>GPU name from nvidia-smi when a GPU was used, else null.</summary>
    public string? GpuName { get; init; }
    /// <summary>ONNX Runtime native version string.</summary>
    public required string OnnxRuntimeVersion { get; init; }
    /// <summary>TorchSharp version as passed by the caller (the bench itself does not load TorchSharp), or null.</summary>
    public string? TorchSharpVersion { get; init; }
    /// <summary>.NET runtime description.</summary>
    public required string DotNetVersion { get; init; }
    /// <summary>Operating system description.</summary>
    public required string OperatingSystem { get; init; }
    /// <summary><c>git rev-parse HEAD</c> of the working directory, or null outside a repository.</summary>
    public string? GitCommit { get; init; }
}
