namespace PpkmOnnx.Benchmarking.Running;

/// <summary>Which ONNX Runtime execution provider the bench asks for.</summary>
public enum ExecutionProviderPreference
{
    /// <summary>CUDA when it can be appended, otherwise CPU (the fallback and its reason are recorded).</summary>
    Auto,
    /// <summary>CUDA or an error: a benchmark that asked for the GPU must not silently measure the CPU.</summary>
    Cuda,
    /// <summary>CPU only.</summary>
    Cpu,
}
