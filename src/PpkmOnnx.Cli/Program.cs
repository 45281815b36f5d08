using Microsoft.ML.OnnxRuntime;
using PpkmOnnx.Cli.Common;

// Without CUDA 13 libraries, ONNX Runtime logs a red error every time a session tries its CUDA provider; ppkm falls
// back to CPU and reports the provider it really used, so keep ORT's own log to fatal errors unless asked for more.
var ortLogLevel = Environment.GetEnvironmentVariable("PPKM_ORT_LOG_LEVEL") switch
{
    "verbose" => OrtLoggingLevel.ORT_LOGGING_LEVEL_VERBOSE,
    "info" => OrtLoggingLevel.ORT_LOGGING_LEVEL_INFO,
    "warning" => OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING,
    "error" => OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
    _ => OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL,
};
var ortOptions = new EnvironmentCreationOptions { logId = "ppkm", logLevel = ortLogLevel };
OrtEnv.CreateInstanceWithOptions(ref ortOptions);

return await CliRunner.RunAsync(args);
