using Microsoft.ML.OnnxRuntime;

namespace PpkmOnnx.Runtime;

/// <summary>The ONNX Runtime in use, for provenance records and <c>--version</c>.</summary>
public static class OnnxRuntimeVersion
{
    /// <summary>The native library's version string (e.g. <c>1.31.0</c>), or the managed assembly's version when the native library cannot be asked.</summary>
    public static string Current()
    {
        try { return OrtEnv.Instance().GetVersionString(); }
        catch (Exception e) when (e is OnnxRuntimeException or DllNotFoundException or EntryPointNotFoundException or TypeInitializationException)
        {
            return typeof(InferenceSession).Assembly.GetName().Version?.ToString() ?? "unknown";
        }
    }
}
