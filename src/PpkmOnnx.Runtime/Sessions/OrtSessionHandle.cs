using Microsoft.ML.OnnxRuntime;

namespace PpkmOnnx.Runtime.Sessions;

/// <summary>An ONNX Runtime session with the options it was created with and the execution provider it really runs on.</summary>
public sealed class OrtSessionHandle : IDisposable
{
    private readonly SessionOptions _options;

    internal OrtSessionHandle(InferenceSession session, SessionOptions options, string provider, string? fallbackNote)
    {
        Session = session;
        _options = options;
        Provider = provider;
        FallbackNote = fallbackNote;
    }

    /// <summary>The session.</summary>
    public InferenceSession Session { get; }
    /// <summary>ONNX Runtime's name of the provider really used: <see cref="OrtSessionFactory.CudaProviderName"/> or <see cref="OrtSessionFactory.CpuProviderName"/>.</summary>
    public string Provider { get; }
    /// <summary>True when the session runs on CUDA.</summary>
    public bool IsCuda => Provider == OrtSessionFactory.CudaProviderName;
    /// <summary>Why CUDA was not used though auto asked for it (<c>CUDA unavailable: …</c>), or null.</summary>
    public string? FallbackNote { get; }

    /// <summary>Frees the session and its options.</summary>
    public void Dispose()
    {
        Session.Dispose();
        _options.Dispose();
    }
}
