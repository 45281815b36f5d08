using Microsoft.ML.OnnxRuntime;

namespace PpkmOnnx.Runtime;

/// <summary>
/// ONNX Runtime's own log for the command-line tools. Without CUDA 13 libraries ORT logs a red error every time a session
/// tries its CUDA provider, although the tools fall back to CPU and report the provider they really used, so the log is
/// kept to fatal errors unless <c>PPKM_ORT_LOG_LEVEL</c> (verbose, info, warning, error) asks for more.
/// </summary>
public static class OnnxRuntimeLogging
{
    /// <summary>The environment variable that sets the level.</summary>
    public const string LevelVariable = "PPKM_ORT_LOG_LEVEL";

    /// <summary>Creates ONNX Runtime's process-wide environment with the level from <see cref="LevelVariable"/>; call before any session.</summary>
    /// <param name="logId">The name ORT prints in its log lines.</param>
    public static void Configure(string logId)
    {
        var level = Environment.GetEnvironmentVariable(LevelVariable) switch
        {
            "verbose" => OrtLoggingLevel.ORT_LOGGING_LEVEL_VERBOSE,
            "info" => OrtLoggingLevel.ORT_LOGGING_LEVEL_INFO,
            "warning" => OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING,
            "error" => OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
            _ => OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL,
        };
        var options = new EnvironmentCreationOptions { logId = logId, logLevel = level };
        OrtEnv.CreateInstanceWithOptions(ref options);
    }
}
