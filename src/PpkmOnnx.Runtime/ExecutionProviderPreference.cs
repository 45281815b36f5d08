namespace PpkmOnnx.Runtime;

/// <summary>Which ONNX Runtime execution provider a <see cref="SentimentClassifier"/>, a benchmark or <see cref="Sessions.OrtSessionFactory"/> asks for.</summary>
public enum ExecutionProviderPreference
{
    /// <summary>CUDA when it can be appended, otherwise CPU (the same session options, minus CUDA).</summary>
    Auto,
    /// <summary>CUDA only; loading fails with a clear message when CUDA is not usable (a benchmark that asked for the GPU must not silently measure the CPU).</summary>
    Cuda,
    /// <summary>CPU only.</summary>
    Cpu,
}
