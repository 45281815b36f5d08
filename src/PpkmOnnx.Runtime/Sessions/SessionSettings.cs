using Microsoft.ML.OnnxRuntime;

namespace PpkmOnnx.Runtime.Sessions;

/// <summary>How <see cref="OrtSessionFactory"/> opens an ONNX Runtime session: provider, device, graph optimization and threads.</summary>
public sealed record SessionSettings
{
    /// <summary>Auto (CUDA, else CPU), CUDA only, or CPU only.</summary>
    public ExecutionProviderPreference ExecutionProvider { get; init; } = ExecutionProviderPreference.Auto;
    /// <summary>The CUDA device ordinal.</summary>
    public int CudaDeviceId { get; init; }
    /// <summary>ONNX Runtime graph optimization level.</summary>
    public GraphOptimizationLevel OptimizationLevel { get; init; } = GraphOptimizationLevel.ORT_ENABLE_ALL;
    /// <summary>Intra-op threads; 0 leaves ONNX Runtime's default.</summary>
    public int IntraOpThreads { get; init; }
    /// <summary>Inter-op threads; 0 leaves ONNX Runtime's default, above 1 switches to parallel execution mode.</summary>
    public int InterOpThreads { get; init; }
    /// <summary>ONNX Runtime's log level for this session, or null for its default.</summary>
    public OrtLoggingLevel? LogSeverity { get; init; }

    /// <summary>New session options carrying these settings (no execution provider appended yet); the caller disposes them.</summary>
    /// <exception cref="DllNotFoundException">The application carries no native ONNX Runtime package; the message names the one to add.</exception>
    public SessionOptions NewSessionOptions()
    {
        var options = OnnxRuntimeNative.Guard(() => new SessionOptions { GraphOptimizationLevel = OptimizationLevel });
        try
        {
            if (IntraOpThreads > 0) options.IntraOpNumThreads = IntraOpThreads;
            if (InterOpThreads > 0)
            {
                options.InterOpNumThreads = InterOpThreads;
                if (InterOpThreads > 1) options.ExecutionMode = ExecutionMode.ORT_PARALLEL;
            }
            if (LogSeverity is { } level) options.LogSeverityLevel = level;
            return options;
        }
        catch
        {
            options.Dispose();
            throw;
        }
    }
}
